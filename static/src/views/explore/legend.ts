// The legend of the explore map as exports print it: the sectors shown, in
// their colours, and the admin borders. Its two labels are the export
// chunk's strings (export.legend.*), loaded before any export asks, so the
// first page does not carry them.

import type { I18n } from '../../core/i18n';
import type { Legend } from '../../core/view';
import type { SectorCatalogue } from '../../sectors';
import { BORDER_COLOUR } from './admin-layers';

/** The legend for the sectors shown (selected; null: all of the catalogue), in the interface language. */
export function exploreLegend(i18n: I18n, catalogue: SectorCatalogue, selected: readonly string[] | null): Legend {
  const codes = selected ?? catalogue.codes;
  return {
    title: i18n.t('export.legend.sectors'),
    items: [
      ...codes.map((code) => ({ label: catalogue.names(code, i18n).primary, colour: catalogue.colour(code), shape: 'circle' as const })),
      { label: i18n.t('export.legend.borders'), colour: BORDER_COLOUR, shape: 'line' as const },
    ],
  };
}
