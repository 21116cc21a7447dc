// The names the clusters view writes on the map, as label candidates for
// its LabelOverlays: each point cluster's name under its count marker, and
// each service centre's name above its circle. Both outrank admin names.

import { I18n, type Lang } from '../../core/i18n';
import type { LabelCandidate, LabelPlace } from '../../labels/placement';
import type { CentreCollection, ClusterCollection } from './api';
import { clusterName } from './profile-panel';

/** Priorities above every admin level's (labels/admin.ts ADMIN_PRIORITY); the marks' blanks go first of all. */
export const MARK_PRIORITY = 40;
export const CLUSTER_PRIORITY = 30;
export const CENTRE_PRIORITY = 20;

/** A cluster's name goes under its count marker, else over it, else beside it. */
const CLUSTER_PLACES: LabelPlace[] = [
  { dx: 0, dy: 28 },
  { dx: 0, dy: -28 },
  { dx: 26, dy: 0, align: 'start' },
  { dx: -26, dy: 0, align: 'end' },
];
/** A centre's name goes over its circle, else under it, else beside it. */
const CENTRE_PLACES: LabelPlace[] = [
  { dx: 0, dy: -23 },
  { dx: 0, dy: 23 },
  { dx: 14, dy: 0, align: 'start' },
  { dx: -14, dy: 0, align: 'end' },
];

/** The box of an HTML count marker (.cl-count) showing n members, roughly, in CSS px. */
function markerSize(n: number): [number, number] {
  return [Math.max(32, 18 + 8 * String(n).length), 22];
}

const CLUSTER_STYLE = { size: 13, weight: 600, colour: '#7a2a08' } as const;
const CENTRE_STYLE = { size: 12, weight: 600, colour: '#4b2a6e' } as const;

/** A translator fixed to one language, whatever the interface shows (a frame has a language of its own). */
const inLang = (lang: Lang) => new I18n(undefined, lang);

/**
 * Each cluster's name ("Cluster at Bhairab", "গুচ্ছ: ভৈরব") by its count
 * marker, larger clusters first, and a blank where each marker is, so no
 * name covers one.
 */
export function clusterCandidates(fc: ClusterCollection | null): LabelCandidate[] {
  if (!fc) return [];
  const en = inLang('en');
  const bn = inLang('bn');
  const withCentre = fc.features.filter((f) => f.properties.centre);
  const bySize = [...withCentre].sort((a, b) => b.properties.size - a.properties.size);
  return bySize.flatMap((f, i): LabelCandidate[] => {
    const id = String(f.properties.id);
    const units = f.properties.units ?? [];
    const at = f.properties.centre as [number, number];
    return [
      { id: `${id}#marker`, en: '', bn: '', at, priority: MARK_PRIORITY, rank: i + 1, style: CLUSTER_STYLE, blank: markerSize(f.properties.size) },
      { id, en: clusterName(en, id, units), bn: clusterName(bn, id, units), at, priority: CLUSTER_PRIORITY, rank: i + 1, style: CLUSTER_STYLE, places: CLUSTER_PLACES },
    ];
  });
}

/** Each service centre's name by its circle, in the server's order, and a blank over each circle. */
export function centreCandidates(fc: CentreCollection | null): LabelCandidate[] {
  if (!fc) return [];
  const out: LabelCandidate[] = [];
  fc.features.forEach((f, i) => {
    if (f.geometry?.type !== 'Point') return;
    const [lon, lat] = f.geometry.coordinates;
    const at: [number, number] = [lon, lat];
    out.push(
      { id: `${f.properties.id}#circle`, en: '', bn: '', at, priority: MARK_PRIORITY, rank: i + 1, style: CENTRE_STYLE, blank: [15, 15] },
      { id: f.properties.id, en: f.properties.name_en, bn: f.properties.name_bn, at, priority: CENTRE_PRIORITY, rank: i + 1, style: CENTRE_STYLE, places: CENTRE_PLACES },
    );
  });
  return out;
}
