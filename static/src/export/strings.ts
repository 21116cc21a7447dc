// The export dialog's and the exported pages' strings in English and Bangla.
// The export chunk imports this, as does the test setup.

import { addMessages, type Dictionary } from '../core/i18n';

const en = {
  'export.button': 'Export',
  'export.title': 'Export the map',
  'export.format': 'Format',
  'export.format.png': 'Image (PNG)',
  'export.format.pdf': 'PDF',
  'export.format.pptx': 'PowerPoint (PPTX)',
  'export.size': 'Size',
  'export.size.screen': 'As on screen',
  'export.size.custom': 'Custom size (pixels)',
  'export.width': 'Width, px',
  'export.height': 'Height, px',
  'export.titleOverride': 'Title',
  'export.titlePlaceholder': 'The view’s title',
  'export.go': 'Export',
  'export.cancel': 'Cancel',
  'export.working': 'Exporting…',
  'export.page': 'Page {n} of {count}',
  'export.failed': 'The export failed: {message}',
  'export.tooLarge': 'Too large: the largest export is A3 at 300 dpi ({limit} px); {size} px is larger.',
  'export.badSize': 'The {param} must be a whole number of pixels, at least {min}.',
  'export.source': 'Source: {source} · {date}',
  'export.source.records': 'Guccho enterprise records',
  'export.source.synthetic': 'Guccho synthetic demo data — not a real survey',
  'export.north': 'N',
  'export.legend.sectors': 'Enterprises by sector',
  'export.legend.borders': 'Administrative boundaries',
} as const;

type ExportKey = keyof typeof en;

declare module '../core/i18n' {
  interface Messages extends Record<ExportKey, string> {}
}

const bn: Dictionary<ExportKey> = {
  'export.button': 'রপ্তানি',
  'export.title': 'মানচিত্র রপ্তানি',
  'export.format': 'ধরন',
  'export.format.png': 'ছবি (পিএনজি)',
  'export.format.pdf': 'পিডিএফ',
  'export.format.pptx': 'পাওয়ারপয়েন্ট (পিপিটিএক্স)',
  'export.size': 'আকার',
  'export.size.screen': 'পর্দায় যেমন',
  'export.size.custom': 'নিজের মাপ (পিক্সেল)',
  'export.width': 'প্রস্থ, পিক্সেল',
  'export.height': 'উচ্চতা, পিক্সেল',
  'export.titleOverride': 'শিরোনাম',
  'export.titlePlaceholder': 'দৃশ্যের শিরোনাম',
  'export.go': 'রপ্তানি করুন',
  'export.cancel': 'বাতিল',
  'export.working': 'রপ্তানি হচ্ছে…',
  'export.page': '{count} পৃষ্ঠার {n} নম্বর',
  'export.failed': 'রপ্তানি করা যায়নি: {message}',
  'export.tooLarge': 'খুব বড়: সবচেয়ে বড় রপ্তানি ৩০০ ডিপিআই-এ এ৩ ({limit} পিক্সেল); {size} পিক্সেল এর চেয়ে বড়।',
  'export.badSize': '{param} অন্তত {min} পিক্সেলের একটি পূর্ণসংখ্যা হতে হবে।',
  'export.source': 'উৎস: {source} · {date}',
  'export.source.records': 'গুচ্ছ উদ্যোগের তথ্য',
  'export.source.synthetic': 'গুচ্ছের কৃত্রিম নমুনা তথ্য — প্রকৃত জরিপ নয়',
  'export.north': 'উ',
  'export.legend.sectors': 'খাত অনুযায়ী উদ্যোগ',
  'export.legend.borders': 'প্রশাসনিক সীমানা',
};

addMessages({ en, bn });
