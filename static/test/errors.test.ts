import { describe, expect, it } from 'vitest';
import { ApiError, errorFromBody } from '../src/api';
import { errorText, namedParameter } from '../src/core/errors';
import { I18n } from '../src/core/i18n';
import { UnitPanel } from '../src/views/explore/panel';

const inLang = (lang: 'en' | 'bn') => new I18n(undefined, lang);
/** Latin letters: English text leaking into Bangla. */
const LATIN = /[A-Za-z]/;

/** Answers the server gives, one per code of error.go and a few without an error document. */
const answers: Record<string, ApiError> = {
  'invalid parameter': errorFromBody(400, 'Bad Request', '{"error":{"code":"invalid","message":"parameter q: missing or empty"}}'),
  'invalid field inside a record': errorFromBody(400, 'Bad Request', '{"error":{"code":"invalid","message":"enterprise x1: field \\"sector\\": empty"}}'),
  'invalid, naming an unknown parameter': errorFromBody(400, 'Bad Request', '{"error":{"code":"invalid","message":"parameter zz: bad"}}'),
  not_found: errorFromBody(404, 'Not Found', '{"error":{"code":"not_found","message":"no admin unit BD9999"}}'),
  conflict: errorFromBody(409, 'Conflict', '{"error":{"code":"conflict","message":"enterprise \\"x\\" exists already"}}'),
  too_large: errorFromBody(413, 'Payload Too Large', '{"error":{"code":"too_large","message":"the upload is larger than this server\'s limit of 64 MB"}}'),
  unavailable: errorFromBody(503, 'Service Unavailable', '{"error":{"code":"unavailable","message":"database down"}}'),
  unauthorized: errorFromBody(401, 'Unauthorized', '{"error":{"code":"unauthorized","message":"unknown or revoked token"}}'),
  forbidden: errorFromBody(403, 'Forbidden', '{"error":{"code":"forbidden","message":"admins only"}}'),
  internal: errorFromBody(500, 'Internal Server Error', '{"error":{"code":"internal","message":"internal error"}}'),
  'a proxy page, no error document': errorFromBody(502, 'Bad Gateway', '<html>bad gateway</html>'),
  'a network failure': new ApiError(0, 'network', 'Failed to fetch'),
  'an unknown code': errorFromBody(418, "I'm a teapot", '{"error":{"code":"teapot","message":"short and stout"}}'),
};

describe('errorText', () => {
  for (const [name, err] of Object.entries(answers)) {
    it(`${name}: the server's words in English, Bangla words only in Bangla`, () => {
      expect(errorText(inLang('en'), err)).toBe(err.message);
      const bn = errorText(inLang('bn'), err);
      expect(bn).not.toMatch(LATIN);
      expect(bn.length).toBeGreaterThan(3);
    });
  }

  it('names the parameter or field at fault in Bangla', () => {
    const bn = inLang('bn');
    expect(errorText(bn, answers['invalid parameter'])).toBe('খোঁজার লেখা সঠিক নয়।');
    expect(errorText(bn, answers['invalid field inside a record'])).toBe('খাত সঠিক নয়।');
    expect(errorText(bn, answers['invalid, naming an unknown parameter'])).toBe('অনুরোধটি সঠিক নয়।');
    expect(errorText(bn, answers.not_found)).toBe('খুঁজে পাওয়া যায়নি।');
    expect(errorText(bn, answers['a proxy page, no error document'])).toBe(errorText(bn, answers.unavailable));
  });

  it('says something general for errors that are not API answers', () => {
    expect(errorText(inLang('en'), new Error('upload aborted'))).toBe('upload aborted');
    expect(errorText(inLang('bn'), new Error('upload aborted'))).toBe('কিছু একটা ভুল হয়েছে।');
    expect(errorText(inLang('en'), undefined)).toBe('Something went wrong.');
  });

  it('reads the parameter a message names', () => {
    expect(namedParameter('parameter bbox: "1,2" is not west,south,east,north in degrees')).toBe('bbox');
    expect(namedParameter('enterprise a: field "geocode.method": "x" is not one of gps')).toBe('geocode.method');
    expect(namedParameter('no admin unit BD9999')).toBe('');
  });
});

describe('the unit panel in Bangla', () => {
  it('shows no English text from the server when a unit cannot be loaded', () => {
    const i18n = inLang('bn');
    const panel = new UnitPanel(document.body, i18n, { onClose() {}, onNavigate() {}, onZoomTo() {} });
    panel.showError('BD9999', answers.not_found);
    expect(panel.el.textContent).toContain('এই একক লোড করা যায়নি: খুঁজে পাওয়া যায়নি।');
    expect(panel.el.textContent).not.toContain('no admin unit');
    // Switching to English shows the server's more precise words.
    i18n.setLang('en');
    expect(panel.el.textContent).toContain('Could not load this unit: no admin unit BD9999');
    panel.remove();
  });
});
