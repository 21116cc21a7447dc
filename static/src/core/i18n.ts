// Interface strings in English and Bangla, the current language, and how
// names of places and numbers are shown in it. Place names themselves come
// from the API; only the words around them live here.

import type { Level, UnitSummary } from '../api';

export type Lang = 'en' | 'bn';
export const LANGS: readonly Lang[] = ['en', 'bn'];

const en = {
  'app.title': 'Guccho — microenterprise clusters of Bangladesh',
  'app.name': 'Guccho',
  'app.tagline': 'Microenterprise clusters of Bangladesh',
  'search.placeholder': 'Search places in English or বাংলা',
  'search.label': 'Search places',
  'search.clear': 'Clear search',
  'search.none': 'No place found',
  'search.error': 'Search failed: {message}',
  'search.matched': 'matched “{name}”',
  'panel.close': 'Close panel',
  'panel.loading': 'Loading…',
  'panel.error': 'Could not load this unit: {message}',
  'panel.level': 'Level',
  'panel.pcode': 'P-code',
  'panel.area': 'Area',
  'panel.children': 'Units inside',
  'panel.parents': 'Part of',
  'panel.altNames': 'Also written',
  'panel.zoomTo': 'Zoom to',
  'panel.km2': '{value} km²',
  'lang.label': 'Interface language',
  'level.1': 'Division',
  'level.2': 'District',
  'level.3': 'Upazila',
  'level.4': 'Union',
  'count.enterprises': '{count} enterprises',
  'count.enterprise': '1 enterprise',
  'sectors.title': 'Sectors',
  'sectors.filter': 'Show enterprises of these sectors',
  'sectors.all': 'All',
  'sectors.none': 'None',
  'sectors.collapse': 'Hide the legend',
  'sectors.expand': 'Show the legend',
  'sectors.unavailable': 'Sectors could not be loaded',
  'legend.cell': 'Circle size: enterprises in the area',
  'legend.gps': 'Surveyed GPS location',
  'legend.display': 'Placed inside its admin unit — not a surveyed location',
  'synthetic.banner': 'Synthetic demo data — not a real survey',
  'synthetic.badge': 'Synthetic demo data',
  'cell.zoom': 'Click to zoom in',
  'cell.others': '{count} more',
  'point.display': 'Display point, not a surveyed location',
  'point.open': 'Click for details',
  'popup.close': 'Close',
  'popup.loading': 'Loading…',
  'popup.error': 'Could not load this enterprise: {message}',
  'popup.unnamed': 'Unnamed enterprise',
  'popup.sector': 'Sector',
  'popup.subSector': 'Sub-sector',
  'popup.location': 'Location',
  'popup.placedBy': 'Placed by',
  'popup.score': 'score {score}',
  'popup.flags': 'Notes',
  'popup.gpsPoint': 'Shown at its surveyed GPS location.',
  'popup.displayPoint': 'Shown at a display point inside {unit} — not a surveyed location.',
  'popup.displayPointNoUnit': 'Shown at a display point — not a surveyed location.',
  'popup.employment': 'Jobs',
  'popup.jobs': '{total} ({self} self, {wage} wage)',
  'popup.genderSplit': '{female} women, {male} men',
  'popup.owner': 'Owner',
  'popup.recp': 'RECP',
  'popup.practices': 'Practices',
  'popup.barriers': 'Barriers',
  'popup.id': 'Record',
  'recp.aware': 'aware',
  'recp.notAware': 'not aware',
  'recp.adopted': 'adopted',
  'recp.notAdopted': 'not adopted',
  'gender.female': 'Woman',
  'gender.male': 'Man',
  'gender.other': 'Other',
  'barrier.high_raw_material_cost': 'high raw-material costs',
  'barrier.lack_of_credit': 'lack of credit',
  'barrier.market_access': 'market access',
  'barrier.unreliable_electricity': 'unreliable electricity',
  'barrier.skilled_labour_shortage': 'shortage of skilled labour',
  'barrier.competition_from_imports': 'competition from imports',
  'barrier.poor_transport': 'poor transport',
  'practice.energy_efficiency': 'energy efficiency',
  'practice.water_saving': 'water saving',
  'practice.waste_recycling': 'waste recycling',
  'practice.material_efficiency': 'material efficiency',
  'practice.cleaner_fuel': 'cleaner fuel',
  'practice.chemical_management': 'chemical management',
  'method.gps': 'GPS point',
  'method.union': 'Union name',
  'method.upazila': 'Upazila name',
  'method.district': 'District name',
  'method.division': 'Division name',
  'method.none': 'Not placed',
  'flag.gps_name_disagree': 'GPS point lies outside the stated unit',
  'flag.swapped_lat_lon': 'Latitude and longitude were swapped (fixed)',
  'flag.zero_gps': 'GPS was 0,0 (ignored)',
  'flag.gps_outside': 'GPS outside Bangladesh (ignored)',
  'flag.gps_invalid': 'GPS not readable (ignored)',
  'flag.name_fuzzy': 'A place name matched only approximately',
  'flag.name_ambiguous': 'A place name fits several units',
  'flag.name_unknown': 'A place name matched no unit',
  'flag.name_parent_mismatch': 'A place name is not inside its stated parent',
  'auth.signIn': 'Sign in',
  'auth.signOut': 'Sign out',
  'auth.account': 'Account',
  'auth.token': 'API token',
  'auth.tokenHelp': 'Paste the token an administrator gave you. It stays in this browser.',
  'auth.submit': 'Sign in',
  'auth.cancel': 'Cancel',
  'auth.checking': 'Checking…',
  'auth.invalid': 'This token is not valid.',
  'auth.error': 'Could not sign in: {message}',
  'auth.signedIn': 'Signed in as {name}',
  'role.editor': 'Editor',
  'role.admin': 'Administrator',
  'import.open': 'Import survey',
  'import.title': 'Import a survey',
  'import.close': 'Close',
  'import.file': 'Survey file (CSV, XLSX or GeoJSON)',
  'import.mapping': 'Column mapping (JSON, optional)',
  'import.start': 'Upload and import',
  'import.chooseFile': 'Choose a survey file first.',
  'import.uploading': 'Uploading {sent} of {total}',
  'import.processing': 'Importing… {rows} rows read',
  'import.waiting': 'Importing…',
  'import.succeeded': 'Import finished',
  'import.failedStatus': 'Import failed: {message}',
  'import.refused': 'The server refused the file: {message}',
  'import.tooLarge': 'The file is too large: {message}',
  'import.lost': 'Lost track of the import: {message}',
  'import.rowsRead': 'Rows read',
  'import.created': 'Created',
  'import.updated': 'Updated',
  'import.unchanged': 'Unchanged',
  'import.failed': 'Failed',
  'import.methods': 'How records were placed',
  'import.flags': 'Geocoding notes',
  'import.mappingUsed': 'Columns used',
  'import.field': 'Field',
  'import.column': 'Column',
  'import.failures': 'Download failed rows (CSV)',
  'import.another': 'Import another file',
  'import.needsEditor': 'Importing needs an editor’s or administrator’s token.',
  'live.connecting': 'Connecting…',
  'live.connected': 'Connected',
  'live.reconnecting': 'Reconnecting…',
  'live.offline': 'Offline',
  'live.connectedHelp': 'Live: changes appear on the map as they happen.',
  'live.disconnectedHelp': 'Not receiving changes now; the map catches up when the connection returns.',
  'edit.add': 'Add enterprise',
  'edit.addHint': 'Click the map where the enterprise is. Esc cancels.',
  'edit.moveHint': 'Click the new location of {name}. Esc cancels.',
  'edit.cancel': 'Cancel',
  'edit.titleNew': 'New enterprise',
  'edit.titleEdit': 'Edit enterprise',
  'edit.at': 'At {lat}, {lon}',
  'edit.name': 'Name',
  'edit.sector': 'Sector',
  'edit.chooseSector': 'Choose a sector',
  'edit.subSector': 'Sub-sector',
  'edit.notGiven': 'Not given',
  'edit.self': 'Owners and family workers',
  'edit.wage': 'Paid workers',
  'edit.owner': 'Owner',
  'edit.save': 'Save',
  'edit.saving': 'Saving…',
  'edit.nameRequired': 'Give the enterprise a name.',
  'edit.nameTooLong': 'The name is too long (at most {max} characters).',
  'edit.sectorRequired': 'Choose a sector.',
  'edit.countInvalid': 'Enter a whole number from 0 to {max}.',
  'edit.error': 'Could not save: {message}',
  'edit.edit': 'Edit',
  'edit.move': 'Move',
  'edit.delete': 'Delete',
  'edit.moveConfirm': 'Move {name} here?',
  'edit.moveHere': 'Move here',
  'edit.moveError': 'Could not move: {message}',
  'edit.deleteConfirm': 'Delete {name}? This cannot be undone.',
  'edit.deleteYes': 'Delete',
  'edit.deleteError': 'Could not delete: {message}',
  'edit.working': 'Working…',
} as const;

export type MessageKey = keyof typeof en;
type Dictionary = Record<MessageKey, string>;

const bn: Dictionary = {
  'app.title': 'গুচ্ছ — বাংলাদেশের ক্ষুদ্র উদ্যোগ গুচ্ছ',
  'app.name': 'গুচ্ছ',
  'app.tagline': 'বাংলাদেশের ক্ষুদ্র উদ্যোগ গুচ্ছ',
  'search.placeholder': 'বাংলা বা ইংরেজিতে স্থান খুঁজুন',
  'search.label': 'স্থান খুঁজুন',
  'search.clear': 'খোঁজ মুছুন',
  'search.none': 'কোনো স্থান পাওয়া যায়নি',
  'search.error': 'খোঁজা যায়নি: {message}',
  'search.matched': '“{name}” মিলেছে',
  'panel.close': 'প্যানেল বন্ধ করুন',
  'panel.loading': 'লোড হচ্ছে…',
  'panel.error': 'এই একক লোড করা যায়নি: {message}',
  'panel.level': 'স্তর',
  'panel.pcode': 'পি-কোড',
  'panel.area': 'আয়তন',
  'panel.children': 'ভেতরের একক',
  'panel.parents': 'যার অংশ',
  'panel.altNames': 'অন্য বানান',
  'panel.zoomTo': 'কাছে যান',
  'panel.km2': '{value} বর্গকিমি',
  'lang.label': 'ইন্টারফেসের ভাষা',
  'level.1': 'বিভাগ',
  'level.2': 'জেলা',
  'level.3': 'উপজেলা',
  'level.4': 'ইউনিয়ন',
  'count.enterprises': '{count}টি উদ্যোগ',
  'count.enterprise': '১টি উদ্যোগ',
  'sectors.title': 'খাত',
  'sectors.filter': 'এই খাতগুলোর উদ্যোগ দেখান',
  'sectors.all': 'সব',
  'sectors.none': 'কোনোটি না',
  'sectors.collapse': 'নির্দেশিকা লুকান',
  'sectors.expand': 'নির্দেশিকা দেখান',
  'sectors.unavailable': 'খাতের তালিকা লোড করা যায়নি',
  'legend.cell': 'বৃত্তের আকার: এলাকার উদ্যোগের সংখ্যা',
  'legend.gps': 'জরিপে নেওয়া জিপিএস অবস্থান',
  'legend.display': 'প্রশাসনিক এককের ভেতরে দেখানো — জরিপের অবস্থান নয়',
  'synthetic.banner': 'কৃত্রিম ডেমো ডেটা — প্রকৃত জরিপ নয়',
  'synthetic.badge': 'কৃত্রিম ডেমো ডেটা',
  'cell.zoom': 'কাছে যেতে ক্লিক করুন',
  'cell.others': 'আরও {count}টি',
  'point.display': 'প্রদর্শনী বিন্দু, জরিপের অবস্থান নয়',
  'point.open': 'বিস্তারিত দেখতে ক্লিক করুন',
  'popup.close': 'বন্ধ করুন',
  'popup.loading': 'লোড হচ্ছে…',
  'popup.error': 'এই উদ্যোগ লোড করা যায়নি: {message}',
  'popup.unnamed': 'নামহীন উদ্যোগ',
  'popup.sector': 'খাত',
  'popup.subSector': 'উপখাত',
  'popup.location': 'অবস্থান',
  'popup.placedBy': 'যেভাবে বসানো',
  'popup.score': 'স্কোর {score}',
  'popup.flags': 'মন্তব্য',
  'popup.gpsPoint': 'জরিপে নেওয়া জিপিএস অবস্থানে দেখানো হয়েছে।',
  'popup.displayPoint': '{unit}-এর ভেতরে একটি প্রদর্শনী বিন্দুতে দেখানো — জরিপের অবস্থান নয়।',
  'popup.displayPointNoUnit': 'একটি প্রদর্শনী বিন্দুতে দেখানো — জরিপের অবস্থান নয়।',
  'popup.employment': 'কর্মসংস্থান',
  'popup.jobs': '{total} (স্ব-নিয়োজিত {self}, মজুরিভিত্তিক {wage})',
  'popup.genderSplit': 'নারী {female}, পুরুষ {male}',
  'popup.owner': 'মালিক',
  'popup.recp': 'RECP (পরিচ্ছন্ন উৎপাদন)',
  'popup.practices': 'অনুশীলন',
  'popup.barriers': 'বাধা',
  'popup.id': 'রেকর্ড',
  'recp.aware': 'জানেন',
  'recp.notAware': 'জানেন না',
  'recp.adopted': 'গ্রহণ করেছেন',
  'recp.notAdopted': 'গ্রহণ করেননি',
  'gender.female': 'নারী',
  'gender.male': 'পুরুষ',
  'gender.other': 'অন্যান্য',
  'barrier.high_raw_material_cost': 'কাঁচামালের উচ্চ দাম',
  'barrier.lack_of_credit': 'ঋণের অভাব',
  'barrier.market_access': 'বাজারে প্রবেশাধিকার',
  'barrier.unreliable_electricity': 'অনির্ভরযোগ্য বিদ্যুৎ',
  'barrier.skilled_labour_shortage': 'দক্ষ শ্রমিকের অভাব',
  'barrier.competition_from_imports': 'আমদানির সঙ্গে প্রতিযোগিতা',
  'barrier.poor_transport': 'দুর্বল যোগাযোগ ব্যবস্থা',
  'practice.energy_efficiency': 'জ্বালানি সাশ্রয়',
  'practice.water_saving': 'পানি সাশ্রয়',
  'practice.waste_recycling': 'বর্জ্য পুনর্ব্যবহার',
  'practice.material_efficiency': 'কাঁচামালের দক্ষ ব্যবহার',
  'practice.cleaner_fuel': 'পরিচ্ছন্ন জ্বালানি',
  'practice.chemical_management': 'রাসায়নিক ব্যবস্থাপনা',
  'method.gps': 'জিপিএস বিন্দু',
  'method.union': 'ইউনিয়নের নাম',
  'method.upazila': 'উপজেলার নাম',
  'method.district': 'জেলার নাম',
  'method.division': 'বিভাগের নাম',
  'method.none': 'বসানো যায়নি',
  'flag.gps_name_disagree': 'জিপিএস বিন্দু উল্লিখিত এককের বাইরে',
  'flag.swapped_lat_lon': 'অক্ষাংশ ও দ্রাঘিমাংশ অদলবদল ছিল (ঠিক করা হয়েছে)',
  'flag.zero_gps': 'জিপিএস ০,০ ছিল (বাদ দেওয়া হয়েছে)',
  'flag.gps_outside': 'জিপিএস বাংলাদেশের বাইরে (বাদ দেওয়া হয়েছে)',
  'flag.gps_invalid': 'জিপিএস পড়া যায়নি (বাদ দেওয়া হয়েছে)',
  'flag.name_fuzzy': 'স্থানের নাম আনুমানিকভাবে মিলেছে',
  'flag.name_ambiguous': 'স্থানের নাম একাধিক এককের সঙ্গে মেলে',
  'flag.name_unknown': 'স্থানের নাম কোনো এককের সঙ্গে মেলেনি',
  'flag.name_parent_mismatch': 'স্থানের নাম উল্লিখিত ঊর্ধ্বতন এককের ভেতরে নেই',
  'auth.signIn': 'সাইন ইন',
  'auth.signOut': 'সাইন আউট',
  'auth.account': 'অ্যাকাউন্ট',
  'auth.token': 'এপিআই টোকেন',
  'auth.tokenHelp': 'প্রশাসকের দেওয়া টোকেনটি এখানে দিন। এটি শুধু এই ব্রাউজারে থাকে।',
  'auth.submit': 'সাইন ইন',
  'auth.cancel': 'বাতিল',
  'auth.checking': 'যাচাই করা হচ্ছে…',
  'auth.invalid': 'এই টোকেনটি বৈধ নয়।',
  'auth.error': 'সাইন ইন করা যায়নি: {message}',
  'auth.signedIn': '{name} হিসেবে সাইন ইন করা',
  'role.editor': 'সম্পাদক',
  'role.admin': 'প্রশাসক',
  'import.open': 'জরিপ আমদানি',
  'import.title': 'জরিপ আমদানি করুন',
  'import.close': 'বন্ধ করুন',
  'import.file': 'জরিপ ফাইল (CSV, XLSX বা GeoJSON)',
  'import.mapping': 'কলাম ম্যাপিং (JSON, ঐচ্ছিক)',
  'import.start': 'আপলোড ও আমদানি',
  'import.chooseFile': 'আগে একটি জরিপ ফাইল বেছে নিন।',
  'import.uploading': '{total}-এর মধ্যে {sent} আপলোড হয়েছে',
  'import.processing': 'আমদানি চলছে… {rows}টি সারি পড়া হয়েছে',
  'import.waiting': 'আমদানি চলছে…',
  'import.succeeded': 'আমদানি সম্পন্ন',
  'import.failedStatus': 'আমদানি ব্যর্থ: {message}',
  'import.refused': 'সার্ভার ফাইলটি নেয়নি: {message}',
  'import.tooLarge': 'ফাইলটি খুব বড়: {message}',
  'import.lost': 'আমদানির খোঁজ পাওয়া যাচ্ছে না: {message}',
  'import.rowsRead': 'পড়া সারি',
  'import.created': 'নতুন',
  'import.updated': 'হালনাগাদ',
  'import.unchanged': 'অপরিবর্তিত',
  'import.failed': 'ব্যর্থ',
  'import.methods': 'রেকর্ডগুলো যেভাবে বসানো হয়েছে',
  'import.flags': 'জিওকোডিং মন্তব্য',
  'import.mappingUsed': 'ব্যবহৃত কলাম',
  'import.field': 'ক্ষেত্র',
  'import.column': 'কলাম',
  'import.failures': 'ব্যর্থ সারিগুলো ডাউনলোড করুন (CSV)',
  'import.another': 'আরেকটি ফাইল আমদানি করুন',
  'import.needsEditor': 'আমদানির জন্য সম্পাদক বা প্রশাসকের টোকেন লাগে।',
  'live.connecting': 'সংযোগ হচ্ছে…',
  'live.connected': 'সংযুক্ত',
  'live.reconnecting': 'আবার সংযোগ হচ্ছে…',
  'live.offline': 'অফলাইন',
  'live.connectedHelp': 'সরাসরি: পরিবর্তন ঘটার সঙ্গে সঙ্গে মানচিত্রে দেখা যায়।',
  'live.disconnectedHelp': 'এখন পরিবর্তন আসছে না; সংযোগ ফিরলে মানচিত্র হালনাগাদ হবে।',
  'edit.add': 'উদ্যোগ যোগ করুন',
  'edit.addHint': 'উদ্যোগটি যেখানে, মানচিত্রের সেখানে ক্লিক করুন। Esc চাপলে বাতিল।',
  'edit.moveHint': '{name}-এর নতুন অবস্থানে ক্লিক করুন। Esc চাপলে বাতিল।',
  'edit.cancel': 'বাতিল',
  'edit.titleNew': 'নতুন উদ্যোগ',
  'edit.titleEdit': 'উদ্যোগ সম্পাদনা',
  'edit.at': 'অবস্থান {lat}, {lon}',
  'edit.name': 'নাম',
  'edit.sector': 'খাত',
  'edit.chooseSector': 'খাত বেছে নিন',
  'edit.subSector': 'উপখাত',
  'edit.notGiven': 'উল্লেখ নেই',
  'edit.self': 'মালিক ও পারিবারিক কর্মী',
  'edit.wage': 'মজুরিভিত্তিক কর্মী',
  'edit.owner': 'মালিক',
  'edit.save': 'সংরক্ষণ করুন',
  'edit.saving': 'সংরক্ষণ হচ্ছে…',
  'edit.nameRequired': 'উদ্যোগের একটি নাম দিন।',
  'edit.nameTooLong': 'নামটি খুব দীর্ঘ (সর্বোচ্চ {max} অক্ষর)।',
  'edit.sectorRequired': 'একটি খাত বেছে নিন।',
  'edit.countInvalid': '০ থেকে {max} পর্যন্ত একটি পূর্ণসংখ্যা লিখুন।',
  'edit.error': 'সংরক্ষণ করা যায়নি: {message}',
  'edit.edit': 'সম্পাদনা',
  'edit.move': 'সরান',
  'edit.delete': 'মুছুন',
  'edit.moveConfirm': '{name} এখানে সরাবেন?',
  'edit.moveHere': 'এখানে সরান',
  'edit.moveError': 'সরানো যায়নি: {message}',
  'edit.deleteConfirm': '{name} মুছে ফেলবেন? এটি আর ফেরানো যাবে না।',
  'edit.deleteYes': 'মুছে ফেলুন',
  'edit.deleteError': 'মোছা যায়নি: {message}',
  'edit.working': 'কাজ চলছে…',
};

const dictionaries: Record<Lang, Dictionary> = { en, bn };

/** The name of each language written in itself, for the switch. */
export const LANG_NAMES: Record<Lang, string> = { en: 'English', bn: 'বাংলা' };

const STORAGE_KEY = 'guccho.lang';

/** Reports whether s names a supported language. */
export function isLang(s: unknown): s is Lang {
  return s === 'en' || s === 'bn';
}

/**
 * I18n holds the current language, persists it in storage (when given) and
 * tells listeners when it changes. Strings take {name} placeholders.
 */
export class I18n {
  private current: Lang;
  private readonly listeners = new Set<(lang: Lang) => void>();

  constructor(private readonly storage?: Pick<Storage, 'getItem' | 'setItem'>, fallback: Lang = 'en') {
    let saved: string | null = null;
    try {
      saved = storage?.getItem(STORAGE_KEY) ?? null;
    } catch {
      // storage may be blocked (private mode); fall back silently
    }
    this.current = isLang(saved) ? saved : fallback;
  }

  get lang(): Lang {
    return this.current;
  }

  /** Switches the language, saves the choice and notifies listeners if it changed. */
  setLang(lang: Lang): void {
    if (lang === this.current) return;
    this.current = lang;
    try {
      this.storage?.setItem(STORAGE_KEY, lang);
    } catch {
      // not persisted; the switch still works for this page
    }
    for (const fn of this.listeners) fn(lang);
  }

  /** Calls fn after every change of language; returns a function that unsubscribes. */
  onChange(fn: (lang: Lang) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The string for key in the current language, with {placeholders} filled from vars. */
  t(key: MessageKey, vars: Record<string, string | number> = {}): string {
    const template = dictionaries[this.current][key] ?? en[key];
    return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in vars ? this.formatValue(vars[name]) : whole,
    );
  }

  /**
   * The string for a key built at run time (method.gps, flag.…), or
   * fallback when neither dictionary has it.
   */
  lookup(key: string, fallback: string): string {
    return key in en ? this.t(key as MessageKey) : fallback;
  }

  /** The level's name (Division, জেলা …). */
  levelName(level: Level): string {
    return this.t(`level.${level}` as MessageKey);
  }

  /** A number in the current language's digits (Bangla digits for bn). */
  formatNumber(n: number, maximumFractionDigits = 0): string {
    return new Intl.NumberFormat(this.current === 'bn' ? 'bn-BD' : 'en-GB', { maximumFractionDigits }).format(n);
  }

  /**
   * The unit's name in the current language first, the other one second.
   * A missing Bangla name falls back to English and gives no second name.
   */
  unitNames(u: Pick<UnitSummary, 'name_en' | 'name_bn'>): { primary: string; secondary: string } {
    const bnName = u.name_bn?.trim() ?? '';
    if (!bnName) return { primary: u.name_en, secondary: '' };
    return this.current === 'bn'
      ? { primary: bnName, secondary: u.name_en }
      : { primary: u.name_en, secondary: bnName };
  }

  private formatValue(v: string | number): string {
    return typeof v === 'number' ? this.formatNumber(v) : v;
  }
}
