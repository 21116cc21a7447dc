// The names the clusters view writes on the map, as label candidates for
// its LabelOverlays: each point cluster's name under its count marker, and
// each service centre's name above its circle. Both outrank admin names.

import { I18n, type Lang } from '../../core/i18n';
import type { LabelCandidate } from '../../labels/placement';
import type { CentreCollection, ClusterCollection } from './api';
import { clusterName } from './profile-panel';

/** Priorities above every admin level's (labels/admin.ts ADMIN_PRIORITY). */
export const CLUSTER_PRIORITY = 30;
export const CENTRE_PRIORITY = 20;

const CLUSTER_STYLE = { size: 13, weight: 600, colour: '#7a2a08' } as const;
const CENTRE_STYLE = { size: 12, weight: 600, colour: '#4b2a6e' } as const;

/** A translator fixed to one language, whatever the interface shows (a frame has a language of its own). */
const inLang = (lang: Lang) => new I18n(undefined, lang);

/** Each cluster's name ("Cluster at Bhairab", "গুচ্ছ: ভৈরব") below its count marker; larger clusters first. */
export function clusterCandidates(fc: ClusterCollection | null): LabelCandidate[] {
  if (!fc) return [];
  const en = inLang('en');
  const bn = inLang('bn');
  const withCentre = fc.features.filter((f) => f.properties.centre);
  const bySize = [...withCentre].sort((a, b) => b.properties.size - a.properties.size);
  return bySize.map((f, i) => {
    const id = String(f.properties.id);
    const units = f.properties.units ?? [];
    return {
      id,
      en: clusterName(en, id, units),
      bn: clusterName(bn, id, units),
      at: f.properties.centre as [number, number],
      priority: CLUSTER_PRIORITY,
      rank: i + 1,
      style: CLUSTER_STYLE,
      offset: [0, 24],
    };
  });
}

/** Each service centre's name above its circle, in the server's order. */
export function centreCandidates(fc: CentreCollection | null): LabelCandidate[] {
  if (!fc) return [];
  const out: LabelCandidate[] = [];
  fc.features.forEach((f, i) => {
    if (f.geometry?.type !== 'Point') return;
    const [lon, lat] = f.geometry.coordinates;
    out.push({
      id: f.properties.id,
      en: f.properties.name_en,
      bn: f.properties.name_bn,
      at: [lon, lat],
      priority: CENTRE_PRIORITY,
      rank: i + 1,
      style: CENTRE_STYLE,
      offset: [0, -16],
    });
  });
  return out;
}
