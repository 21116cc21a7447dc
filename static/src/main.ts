// Entry point: starts the app and exposes it to end-to-end tests as
// window.__guccho.

import 'maplibre-gl/dist/maplibre-gl.css';
import './style.css';
import { startApp, type App } from './app';
import { startDecks } from './decks/control';

declare global {
  interface Window {
    __guccho?: App;
  }
}

// #present=, #follow= and #notes= links (docs/presenting.md) load the
// presentation's chunk; the notes window shows no map.
const link = /[#&](present|follow|notes)=([^&]+)/.exec(location.hash);
const root = document.getElementById('app')!;
const presentation = () => import('./present');

(link?.[1] === 'notes'
  ? presentation().then((m) => void m.showNotes(root, decodeURIComponent(link[2])))
  : startApp(root).then((app) => {
      window.__guccho = app;
      startDecks(app);
      if (link) void presentation().then((m) => m.startFromLink(app, link[1], decodeURIComponent(link[2])));
    })
)
  .catch((err) => {
    console.error('guccho: the map could not start', err);
    const p = document.createElement('p');
    p.className = 'fatal';
    p.textContent = String(err);
    document.body.append(p);
  });
