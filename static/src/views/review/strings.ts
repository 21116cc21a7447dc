// The review view's strings in English and Bangla. The view's entry module
// imports this, so the dictionary arrives with the lazy chunk.

import { addMessages } from '../../core/i18n';

const en = {
  'review.title': 'Review an import',
  'review.file': 'File: {name}',
  'review.noImport': 'No import is chosen. Open the review from an import’s report.',
  'review.signIn': 'Sign in as an editor to review the rows of an import.',
  'review.loading': 'Loading the rows to review…',
  'review.error': 'Could not load the rows: {message}',
  'review.open': 'To review ({n})',
  'review.decided': 'Decided ({n})',
  'review.emptyOpen': 'Nothing left to review.',
  'review.emptyDecided': 'No row decided yet.',
  'review.row': 'Row {row}',
  'review.stated': 'As written',
  'review.placed': 'Placed: {method}, score {score}',
  'review.suggestions': 'Suggestions',
  'review.noSuggestion': 'No suggestion: pick a unit on the map or search for it.',
  'review.accept': 'Accept',
  'review.pickMap': 'Pick on map',
  'review.pickHint': 'Click the unit on the map (zoom in for upazilas and unions). Esc cancels.',
  'review.cancel': 'Cancel',
  'review.search': 'Search a unit',
  'review.searchGo': 'Search',
  'review.searchNone': 'No unit found.',
  'review.choose': 'Choose',
  'review.unplaceable': 'Not placeable',
  'review.saving': 'Saving…',
  'review.failed': 'Could not save: {message}',
  'review.decision.accept': 'Suggestion accepted: {unit}',
  'review.decision.pick': 'Unit picked: {unit}',
  'review.decision.unplaceable': 'Marked not placeable',
  'review.alias': 'Learnt for later imports',
  'review.reason.not_upazila': 'Not placed at upazila level',
  'review.reason.low_score': 'Low score',
  'review.reason.contradiction': 'Contradiction',
  'review.field.division': 'Division',
  'review.field.district': 'District',
  'review.field.upazila': 'Upazila',
  'review.field.union': 'Union',
};

const bn: Record<keyof typeof en, string> = {
  'review.title': 'আমদানি পর্যালোচনা',
  'review.file': 'ফাইল: {name}',
  'review.noImport': 'কোনো আমদানি বাছাই করা হয়নি। আমদানির প্রতিবেদন থেকে পর্যালোচনা খুলুন।',
  'review.signIn': 'আমদানির সারি পর্যালোচনা করতে সম্পাদক হিসেবে সাইন ইন করুন।',
  'review.loading': 'পর্যালোচনার সারি আসছে…',
  'review.error': 'সারিগুলো আনা যায়নি: {message}',
  'review.open': 'পর্যালোচনা বাকি ({n})',
  'review.decided': 'সিদ্ধান্ত হয়েছে ({n})',
  'review.emptyOpen': 'পর্যালোচনার আর কিছু বাকি নেই।',
  'review.emptyDecided': 'এখনো কোনো সারির সিদ্ধান্ত হয়নি।',
  'review.row': 'সারি {row}',
  'review.stated': 'যেভাবে লেখা',
  'review.placed': 'স্থাপন: {method}, স্কোর {score}',
  'review.suggestions': 'প্রস্তাব',
  'review.noSuggestion': 'কোনো প্রস্তাব নেই: মানচিত্রে একক বাছুন বা খুঁজুন।',
  'review.accept': 'গ্রহণ',
  'review.pickMap': 'মানচিত্রে বাছুন',
  'review.pickHint': 'মানচিত্রে এককটিতে ক্লিক করুন (উপজেলা ও ইউনিয়নের জন্য বড় করুন)। Esc চাপলে বাতিল।',
  'review.cancel': 'বাতিল',
  'review.search': 'একক খুঁজুন',
  'review.searchGo': 'খুঁজুন',
  'review.searchNone': 'কোনো একক পাওয়া যায়নি।',
  'review.choose': 'বাছুন',
  'review.unplaceable': 'স্থাপনযোগ্য নয়',
  'review.saving': 'সংরক্ষণ হচ্ছে…',
  'review.failed': 'সংরক্ষণ করা যায়নি: {message}',
  'review.decision.accept': 'প্রস্তাব গৃহীত: {unit}',
  'review.decision.pick': 'একক বাছাই: {unit}',
  'review.decision.unplaceable': 'স্থাপনযোগ্য নয় বলে চিহ্নিত',
  'review.alias': 'পরের আমদানির জন্য শেখা হলো',
  'review.reason.not_upazila': 'উপজেলা পর্যায়ে স্থাপিত হয়নি',
  'review.reason.low_score': 'কম স্কোর',
  'review.reason.contradiction': 'পরস্পরবিরোধী তথ্য',
  'review.field.division': 'বিভাগ',
  'review.field.district': 'জেলা',
  'review.field.upazila': 'উপজেলা',
  'review.field.union': 'ইউনিয়ন',
};

addMessages({ en, bn });

type Key = keyof typeof en;

declare module '../../core/i18n' {
  interface Messages extends Record<Key, string> {}
}
