#!/usr/bin/env node
// A JavaScript Yjs client working on a board by the schema in
// docs/board-schema.md, for the browser interop test:
//   node board-bot.mjs ws://127.0.0.1:PORT/ws ROOM TEXT
// Writes the sticky note `js-note` ("Written by Yjs"), prints `WROTE`,
// waits until another note's text contains TEXT (written in the browser),
// prints `RESULT <json of that element>` and leaves. Exit 2 on timeout.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'

const [url, room, wanted, token] = process.argv.slice(2)
if (!url || !room || !wanted) {
  console.error('usage: node board-bot.mjs WS_URL ROOM TEXT TOKEN')
  process.exit(64)
}
setTimeout(() => { console.error('timed out'); process.exit(2) }, 60000).unref()

const doc = new Y.Doc()
const provider = new WebsocketProvider(url, room, doc, { WebSocketPolyfill: WebSocket, disableBc: true, params: { t: token } })
provider.awareness.setLocalStateField('user', { name: 'js-bot', color: '#f59e0b' })
await new Promise((resolve) => provider.once('sync', resolve))

const elements = doc.getMap('elements')
doc.transact(() => {
  const note = new Y.Map()
  for (const [k, v] of Object.entries({
    type: 'note', x: -80, y: -80, w: 160, h: 160, z: 1, color: '#c9e4ff',
    author: 'js-bot', created: Date.now(), mood: 'curious' // an unknown field: kept
  })) note.set(k, v)
  note.set('text', new Y.Text('Written by Yjs'))
  elements.set('js-note', note)
})
console.log('WROTE')

const found = () => {
  for (const [id, el] of elements.entries()) {
    if (id !== 'js-note' && el instanceof Y.Map && String(el.get('text') ?? '').includes(wanted)) {
      return { id, ...el.toJSON() }
    }
  }
  return null
}
let result
while (!(result = found())) await new Promise((resolve) => setTimeout(resolve, 20))
console.log('RESULT ' + JSON.stringify({ note: result, jsNote: elements.get('js-note').toJSON() }))
provider.destroy()
doc.destroy()
process.exit(0)
