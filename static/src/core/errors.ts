// What the app says when a request fails, in the current language. The
// server answers {"error":{"code","message"}} (codes from error.go at the
// repository root); its message is English and names the parameter or
// field at fault. In English the server's message is shown, being the more
// precise; in Bangla the code and the parameter it names are turned into
// Bangla words, so no English text from the server reaches the page.

import { ApiError } from '../api';
import { hasMessage, type I18n, type MessageKey } from './i18n';

/** The error codes of error.go, each with a message in core/strings.ts. */
const CODES = ['conflict', 'internal', 'invalid', 'not_found', 'too_large', 'unavailable', 'unauthorized', 'forbidden'] as const;
type Code = (typeof CODES)[number];

const isCode = (s: string): s is Code => (CODES as readonly string[]).includes(s);

/** The code of an answer that had no error document, from its HTTP status. */
function codeOfStatus(status: number): Code | 'network' {
  if (status === 0) return 'network';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 413) return 'too_large';
  if (status === 503 || status === 502 || status === 504) return 'unavailable';
  return status >= 500 ? 'internal' : 'invalid';
}

/**
 * The parameter or field a server message names ("parameter q: …",
 * `enterprise x: field "sector": …`), or "" when it names none.
 */
export function namedParameter(message: string): string {
  return /\b(?:parameter|field) "?([a-z][a-z_.]*)"?:/.exec(message)?.[1] ?? '';
}

/**
 * The words for a failed request: in English the server's message (or the
 * browser's, for a network failure); in Bangla the message of the error
 * code, naming the parameter at fault when the server named one the app
 * knows. Errors that are not ApiError (a bug, an aborted upload) get the
 * error's own text in English and a general message in Bangla.
 */
export function errorText(i18n: I18n, err: unknown): string {
  if (!(err instanceof ApiError)) {
    const own = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
    return i18n.lang === 'en' && own ? own : i18n.t('error.unknown');
  }
  if (i18n.lang === 'en' && err.message.trim()) return err.message;
  const code = isCode(err.code) ? err.code : codeOfStatus(err.status);
  const param = namedParameter(err.message);
  const label = `param.${param}`;
  if (code === 'invalid' && param && hasMessage(label)) return i18n.t('error.invalidParam', { param: i18n.t(label) });
  return i18n.t(`error.${code}` as MessageKey);
}
