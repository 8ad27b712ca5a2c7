#!/usr/bin/env node
// A JavaScript Yjs client on an Atelier board, for the interop test:
//   node interop.mjs ws://127.0.0.1:PORT/ws ROOM
// Joins ROOM with y-websocket's WebsocketProvider, says who it is through
// awareness, writes the note `js-note` (a Y.Map with a Y.Text) and types into
// the shared Y.Text `shared`, waits for the Rust client's `rust-note`, then
// prints `RESULT <json>` with the board's content and leaves.
// Lines on stdout: `SYNCED`, then `RESULT ...`. Exit 2 on timeout.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'

const [url, room, token] = process.argv.slice(2)
if (!url || !room) {
  console.error('usage: node interop.mjs WS_URL ROOM TOKEN')
  process.exit(64)
}
const fail = (why) => {
  console.error(why)
  process.exit(2)
}
setTimeout(() => fail('timed out'), 20000).unref()

const doc = new Y.Doc()
const provider = new WebsocketProvider(url, room, doc, {
  WebSocketPolyfill: WebSocket,
  disableBc: true, // or providers in one process bypass the server
  params: { t: token } // the share link's token, as y-websocket passes URL parameters
})
provider.awareness.setLocalStateField('user', { name: 'js-bot', color: '#f59e0b' })

const elements = doc.getMap('elements')
const shared = doc.getText('shared')

const waitFor = (check) => new Promise((resolve) => {
  const poll = () => (check() ? resolve() : setTimeout(poll, 10))
  poll()
})

await new Promise((resolve) => provider.once('sync', resolve))
console.log('SYNCED')

doc.transact(() => {
  const note = new Y.Map()
  note.set('type', 'note')
  note.set('x', 120)
  note.set('y', 80)
  note.set('text', new Y.Text('Written by Yjs'))
  elements.set('js-note', note)
})
for (const ch of 'js ') shared.insert(shared.length, ch)

await waitFor(() => elements.has('rust-note'))
// The Rust client types its marker into `shared` after seeing ours.
await waitFor(() => shared.toString().includes('rust'))
console.log('RESULT ' + JSON.stringify({ elements: elements.toJSON(), shared: shared.toString() }))
provider.destroy()
doc.destroy()
process.exit(0)
