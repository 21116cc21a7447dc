// Entry point: starts the app and exposes it to end-to-end tests as
// window.__guccho.

import 'maplibre-gl/dist/maplibre-gl.css';
// The fonts of names on the map and in panels, bundled (no font server): Noto Sans Bengali and Noto Sans.
import '@fontsource/noto-sans-bengali/400.css';
import '@fontsource/noto-sans-bengali/600.css';
import '@fontsource/noto-sans/400.css';
import '@fontsource/noto-sans/600.css';
import './style.css';
import { startApp, type App } from './app';
import { startDecks } from './decks/control';

declare global {
  interface Window {
    __guccho?: App;
  }
}

// Link keys (#saved=…, #deck=…&slide=…, #present=, #follow=, #notes=) are
// read from the hash as the page opened: the view shown rewrites the hash as
// it starts. #present=, #follow= and #notes= load the presentation's chunk
// (docs/presenting.md); the notes window shows no map.
const openedHash = location.hash;
const link = /[#&](present|follow|notes)=([^&]+)/.exec(openedHash);
const root = document.getElementById('app')!;
const presentation = () => import('./present');

(link?.[1] === 'notes'
  ? presentation().then((m) => void m.showNotes(root, decodeURIComponent(link[2])))
  : startApp(root).then((app) => {
      window.__guccho = app;
      startDecks(app, openedHash);
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
