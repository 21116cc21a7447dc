// The chain on the map: flow lines between located actors (analysis slot;
// width by volume, colour by flow, bottleneck links red), actor points
// (enterprises slot; key actors larger, bottlenecks ringed red) and the
// selection drawn over both (highlight slot). Everything goes through the
// view's layer scope. The map draws no text: names are in the HTML panel.

import type { ExpressionSpecification, GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { LayerScope } from '../../core/layers';
import type { ChainDoc } from './api';
import { actorPoints, BOTTLENECK_COLOUR, FLOW_COLOURS, flowLines, FUNCTION_COLOURS, SELECTED_COLOUR, type Selected } from './model';

export const FLOW_SOURCE = 'vc-flows';
export const ACTOR_SOURCE = 'vc-actors';
export const FLOW_LAYER = 'vc-flow-lines';
export const ACTOR_LAYER = 'vc-actor-points';
export const FLOW_HL_LAYER = 'vc-flow-highlight';
export const ACTOR_HL_LAYER = 'vc-actor-highlight';
export const LAYER_IDS = [FLOW_LAYER, ACTOR_LAYER, FLOW_HL_LAYER, ACTOR_HL_LAYER];

const flowColour: ExpressionSpecification = [
  'case',
  ['get', 'bottleneck'],
  BOTTLENECK_COLOUR,
  ['match', ['get', 'flow'], 'goods', FLOW_COLOURS.goods, 'services', FLOW_COLOURS.services, 'money', FLOW_COLOURS.money, '#718096'],
];
const lineWidth: ExpressionSpecification = ['interpolate', ['linear'], ['get', 'w'], 0, 1.5, 1, 10];
const none = (): ExpressionSpecification => ['in', ['get', 'id'], ['literal', []]];
const among = (ids: Set<string>): ExpressionSpecification => ['in', ['get', 'id'], ['literal', [...ids]]];

export class ChainMapLayers {
  /** What the highlight layers show now. */
  lit: { actors: string[]; links: string[] } = { actors: [], links: [] };

  constructor(
    private readonly map: MapLibreMap,
    private readonly layers: LayerScope,
  ) {}

  /** Adds the sources and layers (once) or replaces their data. */
  show(doc: ChainDoc): void {
    const lines = flowLines(doc);
    const points = actorPoints(doc);
    const flows = this.map.getSource(FLOW_SOURCE) as GeoJSONSource | undefined;
    if (flows) {
      flows.setData(lines);
      (this.map.getSource(ACTOR_SOURCE) as GeoJSONSource).setData(points);
      return;
    }
    this.layers.addSource(FLOW_SOURCE, { type: 'geojson', data: lines });
    this.layers.addSource(ACTOR_SOURCE, { type: 'geojson', data: points });
    this.layers.addLayer('analysis', {
      id: FLOW_LAYER,
      type: 'line',
      source: FLOW_SOURCE,
      layout: { 'line-cap': 'round' },
      paint: { 'line-color': flowColour, 'line-width': lineWidth, 'line-opacity': 0.8 },
    });
    this.layers.addLayer('enterprises', {
      id: ACTOR_LAYER,
      type: 'circle',
      source: ACTOR_SOURCE,
      paint: {
        'circle-radius': ['case', ['get', 'key'], 9, 6],
        'circle-color': ['match', ['get', 'fn'], 'supporter', FUNCTION_COLOURS.supporter, 'enabler', FUNCTION_COLOURS.enabler, FUNCTION_COLOURS.operator],
        'circle-stroke-color': ['case', ['get', 'bottleneck'], BOTTLENECK_COLOUR, '#ffffff'],
        'circle-stroke-width': ['case', ['get', 'bottleneck'], 3, ['get', 'key'], 2, 1],
      },
    });
    this.layers.addLayer('highlight', {
      id: FLOW_HL_LAYER,
      type: 'line',
      source: FLOW_SOURCE,
      filter: none(),
      layout: { 'line-cap': 'round' },
      paint: { 'line-color': SELECTED_COLOUR, 'line-width': ['+', lineWidth, 3] },
    });
    this.layers.addLayer('highlight', {
      id: ACTOR_HL_LAYER,
      type: 'circle',
      source: ACTOR_SOURCE,
      filter: none(),
      paint: { 'circle-radius': 12, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': SELECTED_COLOUR, 'circle-stroke-width': 4 },
    });
  }

  /** Draws the selection's actors and links over the rest. */
  highlight(near: { actors: Set<string>; links: Set<string> }): void {
    this.lit = { actors: [...near.actors], links: [...near.links] };
    if (!this.map.getLayer(ACTOR_HL_LAYER)) return;
    this.map.setFilter(ACTOR_HL_LAYER, among(near.actors));
    this.map.setFilter(FLOW_HL_LAYER, among(near.links));
  }

  /** The actor or link under a point of the map (actors first), or null. */
  pick(point: [number, number]): Selected | null {
    if (!this.map.getLayer(ACTOR_LAYER)) return null;
    const box: [[number, number], [number, number]] = [
      [point[0] - 4, point[1] - 4],
      [point[0] + 4, point[1] + 4],
    ];
    const actor = this.map.queryRenderedFeatures(box, { layers: [ACTOR_LAYER] })[0];
    if (actor) return { kind: 'actor', id: String(actor.properties.id) };
    const line = this.map.queryRenderedFeatures(box, { layers: [FLOW_LAYER] })[0];
    return line ? { kind: 'link', id: String(line.properties.id) } : null;
  }
}
