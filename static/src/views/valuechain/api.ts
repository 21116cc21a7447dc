// The value-chain part of the API: list chains, read one chain with its
// analysis, the export URLs, and the editors' writes to actors and links.
// Errors are ApiError, as in src/api.ts.

import { ApiError, errorFromBody } from '../../api';

/** A chain as listed (GET /api/valuechains). */
export interface ChainSummary {
  id: string;
  name: string;
  name_bn: string;
  sector: string;
  cluster: string;
  admin: string;
  synthetic: boolean;
  actors: number;
  links: number;
}

export interface ChainHead {
  id: string;
  name: string;
  name_bn: string;
  sector: string;
  cluster: string;
  admin: string;
  synthetic: boolean;
}

export interface Actor {
  id: string;
  name: string;
  name_bn: string;
  role: string;
  /** operator, supporter or enabler. */
  function?: string;
  /** 1 … 7 for operators, 0 (or absent) for supporters and enablers. */
  stage?: number;
  sector?: string;
  enterprise_id?: string;
  admin?: string;
  lon?: number | null;
  lat?: number | null;
}

/** goods and services run from seller to buyer, money from payer to payee. */
export type Flow = 'goods' | 'services' | 'service' | 'money';

export interface Link {
  id: string;
  from: string;
  to: string;
  flow: Flow | string;
  product?: string;
  volume?: number;
  unit?: string;
  value_bdt?: number;
  /** The store's name for value_bdt (the API sends this); fetchChain copies it there. */
  value?: number;
  period?: string;
}

export interface ActorAnalysis {
  id: string;
  in_degree: number;
  out_degree: number;
  degree_centrality: number;
  betweenness: number;
  betweenness_normalized: number;
  cuts_off_producers: number;
}

export interface StageAnalysis {
  stage: number;
  role: string;
  actors: number;
  sold: number;
  bought: number;
  value_added: number | null;
  margin: number | null;
  volumes?: { product: string; unit: string; volume: number }[] | null;
  inputs_outside?: number | null;
  sales_outside?: number | null;
}

export interface Bottleneck {
  kind: 'actor' | 'link';
  id: string;
  /** A link bottleneck's ends: every goods link between them is the bottleneck. */
  from?: string;
  to?: string;
  producers_cut: number;
}

export interface Analysis {
  actors: ActorAnalysis[];
  stages: StageAnalysis[];
  missing: string[] | null;
  producers: number;
  connected: number;
  bottlenecks: Bottleneck[] | null;
  pivots?: number;
}

/** GET /api/valuechains/{id}. */
export interface ChainDoc {
  chain: ChainHead;
  actors: Actor[];
  links: Link[];
  /** Operator roles from inputs to end markets. */
  stages: string[];
  analysis: Analysis;
}

/** What an editor sends for an actor (id optional on create). */
export type ActorInput = Omit<Actor, 'function' | 'stage'>;
/** What an editor sends for a link (id optional on create). */
export type LinkInput = Omit<Link, 'id'> & { id?: string };

async function call(path: string, opts: { method?: string; token?: string; json?: unknown; signal?: AbortSignal } = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.token) headers.Authorization = 'Bearer ' + opts.token;
  if (opts.json !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method: opts.method ?? 'GET',
      headers,
      signal: opts.signal,
      ...(opts.json !== undefined ? { body: JSON.stringify(opts.json) } : {}),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', (err as Error).message);
  }
  if (!res.ok) throw errorFromBody(res.status, res.statusText, await res.text().catch(() => ''));
  return res;
}

const chainPath = (id: string) => '/api/valuechains/' + encodeURIComponent(id);

/** The chains, optionally of one sector, cluster or admin unit. */
export async function listChains(filter: { sector?: string; cluster?: string; admin?: string } = {}, signal?: AbortSignal): Promise<ChainSummary[]> {
  const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]);
  const qs = q.toString();
  const doc = (await (await call('/api/valuechains' + (qs ? '?' + qs : ''), { signal })).json()) as { chains?: ChainSummary[] | null };
  return doc.chains ?? [];
}

export async function fetchChain(id: string, signal?: AbortSignal): Promise<ChainDoc> {
  const doc = (await (await call(chainPath(id), { signal })).json()) as ChainDoc;
  doc.actors ??= [];
  doc.links ??= [];
  doc.stages ??= [];
  doc.links.forEach(linkOf);
  return doc;
}

export type ExportFormat = 'graphml' | 'geojson' | 'csv';

/** The URL of a chain's export. */
export function exportURL(id: string, format: ExportFormat): string {
  return `${chainPath(id)}?format=${format}`;
}

export async function createActor(chain: string, actor: ActorInput, token: string): Promise<Actor> {
  return (await call(chainPath(chain) + '/actors', { method: 'POST', json: actor, token })).json() as Promise<Actor>;
}

export async function updateActor(chain: string, id: string, actor: ActorInput, token: string): Promise<Actor> {
  return (await call(`${chainPath(chain)}/actors/${encodeURIComponent(id)}`, { method: 'PUT', json: actor, token })).json() as Promise<Actor>;
}

export async function deleteActor(chain: string, id: string, token: string): Promise<void> {
  await call(`${chainPath(chain)}/actors/${encodeURIComponent(id)}`, { method: 'DELETE', token });
}

/** A link as the store reads it: the value in taka is "value" there. */
export function linkBody(link: LinkInput): Record<string, unknown> {
  const { value_bdt, value, ...rest } = link;
  return { ...rest, value: value_bdt ?? value ?? 0 };
}

/** A link as the server answered it, with value_bdt set. */
function linkOf(l: Link): Link {
  if (l.value_bdt === undefined) l.value_bdt = l.value ?? 0;
  return l;
}

export async function createLink(chain: string, link: LinkInput, token: string): Promise<Link> {
  return linkOf(await (await call(chainPath(chain) + '/links', { method: 'POST', json: linkBody(link), token })).json());
}

export async function updateLink(chain: string, id: string, link: LinkInput, token: string): Promise<Link> {
  return linkOf(await (await call(`${chainPath(chain)}/links/${encodeURIComponent(id)}`, { method: 'PUT', json: linkBody(link), token })).json());
}

export async function deleteLink(chain: string, id: string, token: string): Promise<void> {
  await call(`${chainPath(chain)}/links/${encodeURIComponent(id)}`, { method: 'DELETE', token });
}
