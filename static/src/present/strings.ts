// The presentation's strings in English and Bangla, loaded with its chunk
// (and by the test setup).

import { addMessages, type Dictionary } from '../core/i18n';

const en = {
  'pr.slide': 'Slide {n} of {count}',
  'pr.followers': '{n} following',
  'pr.followers.one': '1 following',
  'pr.local': 'Not live: sign in with an editor token so that others can follow',
  'pr.notes': 'Speaker notes',
  'pr.leave': 'Leave (Esc)',
  'pr.prev': 'Previous',
  'pr.next': 'Next',
  'pr.waiting': 'Waiting for the presenter…',
  'pr.following': 'Following the presenter',
  'pr.paused': 'You are looking around on your own',
  'pr.rejoin': 'Rejoin presenter',
  'pr.error.deck': 'The deck could not be opened: {error}',
  'pr.error.empty': 'This deck has no slides.',
  'pr.notes.waiting': 'Waiting for the presentation in the other window…',
  'pr.notes.next': 'Next: {title}',
  'pr.notes.last': 'This is the last slide.',
  'pr.notes.none': 'No notes for this slide.',
  'pr.notes.elapsed': 'Elapsed {time}',
  'pr.notes.language': 'Notes in',
};

export type PresentKey = keyof typeof en;

declare module '../core/i18n' {
  interface Messages extends Record<PresentKey, string> {}
}

const bn: Dictionary<PresentKey> = {
  'pr.slide': 'স্লাইড {n} / {count}',
  'pr.followers': '{n} জন অনুসরণ করছেন',
  'pr.followers.one': '১ জন অনুসরণ করছেন',
  'pr.local': 'সরাসরি নয়: অন্যরা যেন অনুসরণ করতে পারেন, সম্পাদকের টোকেন দিয়ে সাইন ইন করুন',
  'pr.notes': 'বক্তার নোট',
  'pr.leave': 'বন্ধ করুন (Esc)',
  'pr.prev': 'আগের',
  'pr.next': 'পরের',
  'pr.waiting': 'উপস্থাপকের অপেক্ষায়…',
  'pr.following': 'উপস্থাপককে অনুসরণ করা হচ্ছে',
  'pr.paused': 'আপনি নিজে ঘুরে দেখছেন',
  'pr.rejoin': 'উপস্থাপকের সাথে আবার যুক্ত হোন',
  'pr.error.deck': 'ডেকটি খোলা যায়নি: {error}',
  'pr.error.empty': 'এই ডেকে কোনো স্লাইড নেই।',
  'pr.notes.waiting': 'অন্য উইন্ডোতে উপস্থাপনার অপেক্ষায়…',
  'pr.notes.next': 'পরের: {title}',
  'pr.notes.last': 'এটি শেষ স্লাইড।',
  'pr.notes.none': 'এই স্লাইডের কোনো নোট নেই।',
  'pr.notes.elapsed': 'সময় পেরিয়েছে {time}',
  'pr.notes.language': 'নোটের ভাষা',
};

addMessages({ en, bn });
