// The requests of the clusters view: statistics per unit, profiles, point
// clusters, potential clusters and service centres. Errors are ApiError
// (core/errors turns them into words); a 404 from an endpoint this server
// does not have yet is told apart by unavailable().

import type { Geometry } from 'geojson';
import { ApiError, errorFromBody, type UnitSummary } from '../../api';
import type { StatsUnit } from './classes';
import { clustersURL, potentialURL, statsURL, type ClusterParams } from './params';

async function getJSON<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { signal, headers: { Accept: 'application/json' } });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', (err as Error).message);
  }
  if (!res.ok) throw errorFromBody(res.status, res.statusText, await res.text().catch(() => ''));
  return (await res.json()) as T;
}

/**
 * Whether err says the server has no such endpoint (an older server): its
 * router answers 404 "no route for /api/…", or a bare 404.
 */
export function unavailable(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404 && (err.code !== 'not_found' || err.message.startsWith('no route for'));
}

/** GET /api/stats/{lq|hotspots|local-moran}. */
export interface StatsAnswer {
  parameters: Record<string, unknown>;
  unassigned: number;
  units: StatsUnit[];
}

export function fetchStats(p: ClusterParams, signal?: AbortSignal): Promise<StatsAnswer> {
  return getJSON<StatsAnswer>(statsURL(p), signal);
}

/** One sector of a profile's mix. */
export interface ProfileSector {
  sector: string;
  enterprises: number;
  jobs: number;
  share: number | null;
  job_share: number | null;
  lq: number | null;
  lq_jobs: number | null;
}

/** The profile of an area (package profile's JSON). */
export interface Profile {
  enterprises: number;
  self_jobs: number;
  wage_jobs: number;
  gender_reported: number;
  female_workers: number;
  male_workers: number;
  owner_female: number;
  owner_male: number;
  owner_other: number;
  recp_aware_known: number;
  recp_aware: number;
  recp_adopted_known: number;
  recp_adopted: number;
  jobs: number;
  mean_jobs: number | null;
  self_share: number | null;
  wage_share: number | null;
  female_share: number | null;
  owner_female_share: number | null;
  recp_aware_share: number | null;
  recp_adopted_share: number | null;
  sectors: ProfileSector[] | null;
  barriers: { barrier: string; enterprises: number; share: number | null }[] | null;
  /** The nearest common service centre (of any sector); null when the server stores none. */
  nearest_centre?: NearestCentre | null;
}

/** A common service centre and its great-circle distance, in whole metres. */
export interface NearestCentre {
  id: string;
  name_en: string;
  name_bn: string;
  sector: string;
  distance_m: number;
}

/** GET /api/profile/{pcode}. */
export interface UnitProfile extends Profile {
  unit: UnitSummary;
  min_count: number;
}

export function fetchProfile(pcode: string, signal?: AbortSignal): Promise<UnitProfile> {
  return getJSON<UnitProfile>('/api/profile/' + encodeURIComponent(pcode), signal);
}

/** A member unit of a point cluster. */
export interface ClusterMember {
  pcode: string;
  level: number | string;
  name_en: string;
  name_bn: string;
  count: number;
}

/** The properties of one cluster of GET /api/clusters. */
export interface ClusterProps {
  id: string;
  method: string;
  sector: string;
  size: number;
  core_count?: number;
  centre?: [number, number];
  radius_m?: number;
  concave?: boolean;
  units?: ClusterMember[];
  profile?: Profile;
  nearest_centre?: NearestCentre | null;
}

export interface ClusterCollection {
  type: 'FeatureCollection';
  features: { type: 'Feature'; id?: string | number; geometry: Geometry; properties: ClusterProps }[];
  parameters?: Record<string, unknown>;
  points?: number;
  noise?: number;
}

export function fetchClusters(p: ClusterParams, signal?: AbortSignal): Promise<ClusterCollection> {
  return getJSON<ClusterCollection>(clustersURL(p), signal);
}

/** One entry of GET /api/clusters/potential. */
export interface Potential {
  rank: number;
  kind: 'point_cluster' | 'admin_unit' | string;
  id: string;
  name_en?: string;
  name_bn?: string;
  level?: string | number;
  sector?: string;
  size?: number;
  count?: number;
  /** The upazila and district it lies in (P-codes). */
  upazila?: string;
  district?: string;
  lq_upazila?: number | null;
  lq_district?: number | null;
  /** Gi* of the sector by level (upazila, district). */
  gistar?: Record<string, { z: number | null; p: number | null; class: string } | null>;
  evidence?: string[];
  reasons?: string[];
}

/** The ranked list: the answer's candidates (a bare list is taken as it is). */
export async function fetchPotential(p: ClusterParams, signal?: AbortSignal): Promise<Potential[]> {
  const doc = await getJSON<unknown>(potentialURL(p), signal);
  if (Array.isArray(doc)) return doc as Potential[];
  const o = doc as Record<string, unknown>;
  for (const k of ['candidates', 'potential']) if (Array.isArray(o?.[k])) return o[k] as Potential[];
  return [];
}

/** The properties of a common service centre (GET /api/centres). */
export interface CentreProps {
  id: string;
  name_en: string;
  name_bn: string;
  sector?: string;
  services?: string[] | string;
  operator?: string;
  synthetic?: boolean;
}

export interface CentreCollection {
  type: 'FeatureCollection';
  features: { type: 'Feature'; geometry: Geometry; properties: CentreProps }[];
}

export function fetchCentres(sector: string, signal?: AbortSignal): Promise<CentreCollection> {
  return getJSON<CentreCollection>('/api/centres' + (sector ? '?sector=' + encodeURIComponent(sector) : ''), signal);
}
