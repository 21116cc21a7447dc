// The profile panel: what the enterprises of an admin unit or a point
// cluster look like — enterprises, jobs (self and wage), workers and
// owners by gender, the sector mix with location quotients, RECP
// awareness and adoption, the barriers named, the nearest service centre
// where the server knows one, and a cluster's member units. Every word is
// in the interface language; numbers use its digits. Closable with its
// button or Escape.

import type { UnitSummary } from '../../api';
import { errorText } from '../../core/errors';
import type { I18n } from '../../core/i18n';
import type { SectorCatalogue } from '../../sectors';
import type { ClusterMember, Profile } from './api';
import { el } from '../../core/dom';
import { PanelFrame } from '../../core/side-panel';

/** What the panel is about: a unit (names from the API) or a cluster (its id). */
export type Subject =
  | { kind: 'unit'; unit: Pick<UnitSummary, 'pcode' | 'level' | 'name_en' | 'name_bn'>; sector?: string }
  | { kind: 'cluster'; id: string; members: ClusterMember[]; sector?: string };

/**
 * The link to the value chains of what a profile shows
 * (#view=valuechain&…): a cluster's own chain, falling back to the chains of
 * its sector around the upazila holding most members; a unit's chains of the
 * sector shown (all sectors without one), in the unit or inside it.
 */
export function valueChainHref(subject: Subject): string {
  const q = new URLSearchParams({ view: 'valuechain' });
  if (subject.kind === 'cluster') {
    q.set('cluster', subject.id);
    const main = subject.members.find((m) => m.level === 'upazila' || m.level === 3) ?? subject.members[0];
    if (subject.sector) q.set('sector', subject.sector);
    if (main) q.set('admin', main.pcode);
  } else {
    if (subject.sector) q.set('sector', subject.sector);
    q.set('admin', subject.unit.pcode);
  }
  return '#' + q.toString();
}

/**
 * The name of a point cluster: "Cluster at <the upazila holding most of
 * its members>" (else its district), or its id when it has no member unit.
 */
export function clusterName(i18n: I18n, id: string, members: readonly ClusterMember[]): string {
  const main = members.find((m) => m.level === 'upazila' || m.level === 3) ?? members[0];
  return main ? i18n.t('cl.clusterAt', { name: i18n.unitNames(main).primary }) : i18n.t('cl.cluster', { id });
}

type Content =
  | { kind: 'closed' }
  | { kind: 'loading'; key: string }
  | { kind: 'error'; key: string; error: unknown }
  | { kind: 'profile'; key: string; subject: Subject; profile: Profile };

/** A share (0–1) as a percentage in the interface's digits: 0.4231 → "42.3 %". */
export function formatShare(i18n: I18n, share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '–';
  return `${i18n.formatNumber(share * 100, 1)} %`;
}

/** A location quotient with two decimals, or a dash where there is none. */
export function formatLQ(i18n: I18n, lq: number | null | undefined): string {
  return lq === null || lq === undefined || !Number.isFinite(lq) ? '–' : i18n.formatNumber(lq, 2);
}

export class ProfilePanel {
  readonly el: HTMLElement;
  private readonly body: HTMLDivElement;
  private readonly frame: PanelFrame;
  private content: Content = { kind: 'closed' };

  constructor(
    parent: HTMLElement,
    private readonly i18n: I18n,
    private readonly sectors: SectorCatalogue,
    private readonly onClose: () => void,
  ) {
    this.frame = new PanelFrame(parent, 'cl-profile', {
      i18n,
      closeLabel: 'prof.close',
      isOpen: () => this.isOpen,
      onClose: () => this.onClose(),
      onLanguage: () => this.render(),
    });
    this.el = this.frame.el;
    this.body = this.frame.body;
    this.render();
  }

  get isOpen(): boolean {
    return this.content.kind !== 'closed';
  }

  /** The P-code or cluster id shown or being loaded ("" when closed). */
  get key(): string {
    return this.content.kind === 'closed' ? '' : this.content.key;
  }

  showLoading(key: string): void {
    this.content = { kind: 'loading', key };
    this.render();
  }

  showError(key: string, error: unknown): void {
    this.content = { kind: 'error', key, error };
    this.render();
  }

  show(key: string, subject: Subject, profile: Profile): void {
    this.content = { kind: 'profile', key, subject, profile };
    this.render();
  }

  close(): void {
    this.content = { kind: 'closed' };
    this.render();
  }

  remove(): void {
    this.frame.remove();
  }

  private render(): void {
    const t = this.i18n;
    this.frame.show(this.content.kind !== 'closed');
    switch (this.content.kind) {
      case 'closed':
        this.body.replaceChildren();
        return;
      case 'loading':
        this.body.replaceChildren(el('p', 'cl-status', t.t('prof.loading')));
        return;
      case 'error':
        this.body.replaceChildren(el('p', 'cl-status error', t.t('prof.error', { message: errorText(t, this.content.error) })));
        return;
      case 'profile':
        this.body.replaceChildren(...this.renderProfile(this.content.subject, this.content.profile));
    }
  }

  private renderProfile(subject: Subject, p: Profile): Node[] {
    const t = this.i18n;
    const n = (v: number) => t.formatNumber(v);
    const header = el('header', 'cl-profile-header');
    header.append(el('div', 'cl-profile-kind', t.t('prof.title')));
    const h2 = el('h2', 'cl-profile-title');
    h2.id = 'cl-profile-title';
    if (subject.kind === 'unit') {
      const { primary, secondary } = t.unitNames(subject.unit);
      h2.textContent = primary;
      header.append(el('div', 'cl-profile-level', t.levelName(subject.unit.level)), h2);
      if (secondary) header.append(el('div', 'cl-profile-subtitle', secondary));
    } else {
      h2.textContent = clusterName(t, subject.id, subject.members);
      header.append(h2, el('div', 'cl-profile-subtitle', t.t('cl.members', { count: subject.members.length })));
    }
    this.el.setAttribute('aria-labelledby', h2.id);
    const parts: Node[] = [header];
    if (!p.enterprises) {
      parts.push(el('p', 'cl-status', t.t('prof.none')));
      return parts;
    }

    const facts = el('dl', 'cl-profile-facts');
    const fact = (label: string, value: string, name: string) => {
      const dd = el('dd', '', value);
      dd.dataset.fact = name;
      facts.append(el('dt', '', label), dd);
    };
    fact(t.t('prof.enterprises'), n(p.enterprises), 'enterprises');
    fact(t.t('prof.jobs'), n(p.jobs), 'jobs');
    if (p.mean_jobs !== null) fact(t.t('prof.meanJobs'), t.formatNumber(p.mean_jobs, 1), 'mean_jobs');
    fact(t.t('prof.self'), `${n(p.self_jobs)} (${formatShare(t, p.self_share)})`, 'self_jobs');
    fact(t.t('prof.wage'), `${n(p.wage_jobs)} (${formatShare(t, p.wage_share)})`, 'wage_jobs');
    fact(
      t.t('prof.workersByGender'),
      p.gender_reported
        ? `${n(p.female_workers)} ${t.t('prof.women')} (${formatShare(t, p.female_share)}) · ${n(p.male_workers)} ${t.t('prof.men')}`
        : t.t('prof.notReported'),
      'gender',
    );
    fact(t.t('prof.ownersWomen'), p.owner_female_share === null ? t.t('prof.notReported') : `${n(p.owner_female)} (${formatShare(t, p.owner_female_share)})`, 'owner_female');
    const answered = (count: number, known: number, share: number | null) =>
      known ? `${n(count)} — ${t.t('prof.ofAnswered', { share: formatShare(t, share), n: known })}` : t.t('prof.notReported');
    fact(t.t('prof.recpAware'), answered(p.recp_aware, p.recp_aware_known, p.recp_aware_share), 'recp_aware');
    fact(t.t('prof.recpAdopted'), answered(p.recp_adopted, p.recp_adopted_known, p.recp_adopted_share), 'recp_adopted');
    if (p.nearest_centre) {
      const c = p.nearest_centre;
      fact(t.t('prof.nearestCentre'), `${t.unitNames(c).primary} (${t.t('prof.km', { value: t.formatNumber(c.distance_m / 1000, 1) })})`, 'nearest_centre');
    }
    parts.push(facts);

    if (p.sectors?.length) {
      parts.push(el('h3', 'cl-profile-section', t.t('prof.sectors')));
      const table = el('table', 'cl-profile-sectors');
      const head = el('tr');
      for (const h of [t.t('prof.sector'), t.t('prof.enterprises'), t.t('prof.share'), t.t('prof.lq')]) head.append(el('th', '', h));
      table.append(el('thead'), el('tbody'));
      table.tHead!.append(head);
      for (const s of p.sectors) {
        const tr = el('tr');
        tr.dataset.sector = s.sector;
        const name = el('td', 'cl-profile-sector-name');
        const swatch = el('span', 'cl-swatch');
        swatch.style.background = this.sectors.colour(s.sector);
        name.append(swatch, this.sectors.names(s.sector, t).primary);
        tr.append(name, el('td', 'num', n(s.enterprises)), el('td', 'num', formatShare(t, s.share)), el('td', 'num', formatLQ(t, s.lq)));
        table.tBodies[0].append(tr);
      }
      parts.push(table);
    }

    if (p.barriers?.length) {
      parts.push(el('h3', 'cl-profile-section', t.t('prof.barriers')));
      const ul = el('ul', 'cl-profile-barriers');
      for (const b of p.barriers) {
        ul.append(el('li', '', `${t.lookup(`barrier.${b.barrier}`, b.barrier)}: ${n(b.enterprises)} (${formatShare(t, b.share)})`));
      }
      parts.push(ul);
    }

    if (subject.kind === 'cluster' && subject.members.length) {
      parts.push(el('h3', 'cl-profile-section', t.t('prof.members')));
      const ul = el('ul', 'cl-profile-members');
      for (const m of subject.members) {
        const li = el('li', '', `${t.unitNames(m).primary}: ${n(m.count)}`);
        li.dataset.pcode = m.pcode;
        ul.append(li);
      }
      parts.push(ul);
    }
    const chain = el('a', 'cl-profile-valuechain', t.t(subject.kind === 'cluster' ? 'prof.clusterChain' : 'prof.unitChains'));
    chain.href = valueChainHref(subject);
    parts.push(chain);
    return parts;
  }
}
