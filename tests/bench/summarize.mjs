#!/usr/bin/env node
// Medians per load and server from side-by-side.sh's JSON lines, as Markdown.
import { readFileSync } from 'node:fs'

const rows = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
const median = (xs) => {
  const v = xs.filter((x) => typeof x === 'number' && !Number.isNaN(x)).sort((a, b) => a - b)
  if (!v.length) return null
  const m = Math.floor(v.length / 2)
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2
}
const fmt = (x) => (x === null || x === undefined ? '–' : String(Math.round(x * 10) / 10))
const groups = new Map()
for (const r of rows) {
  if (!r.label) continue
  if (!groups.has(r.label)) groups.set(r.label, [])
  groups.get(r.label).push(r)
}
console.log('| load | server | runs | p50 | p95 | p99 | max | deliveries/s | server CPU % | RSS start→max MB | lost | converged | harness lag p99 |')
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|')
for (const [label, rs] of groups) {
  if (!rs[0].lat_p50_ms && rs[0].lat_p50_ms !== 0) continue
  const [load, server] = label.split('/')
  const pick = (k) => median(rs.map((r) => r[k]))
  const srv = (k) => median(rs.map((r) => r.server && r.server[k]))
  console.log(`| ${load} | ${server} | ${rs.length} | ${fmt(pick('lat_p50_ms'))} | ${fmt(pick('lat_p95_ms'))} | ${fmt(pick('lat_p99_ms'))} | ${fmt(pick('lat_max_ms'))} | ${fmt(pick('deliveries_per_s'))} | ${fmt(srv('cpu_pct'))} | ${fmt(srv('rss_start_mb'))}→${fmt(srv('rss_max_mb'))} | ${rs.reduce((a, r) => a + (r.lost || 0), 0)} | ${rs.every((r) => r.converged)} | ${fmt(pick('harness_loop_lag_p99_ms'))} |`)
}
console.log()
console.log('| new client, 5,000-note board | board KiB | received, median ms | received, joins (ms) | integrated by the client, median ms |')
console.log('|---|---|---|---|---|')
for (const r of rows.filter((r) => r.initial_sync_notes)) {
  console.log(`| ${r.label.split('/')[1]} | ${r.board_kib} | ${r.initial_sync_ms_median} | ${r.initial_sync_ms.join(', ')} | ${r.integrated_ms_median} |`)
}
console.log()
console.log('| idle RSS | before the runs, MB | after, MB |')
console.log('|---|---|---|')
const names = { 1234: 'y-websocket', 1235: 'hocuspocus', 1236: 'y-sweet', 1237: 'atelier', 1238: 'atelier-coalesce-0' }
for (const [port, name] of Object.entries(names)) {
  const at = (when) => rows.find((r) => r.label === `idle-rss-${when}/${port}`)
  const mb = (r) => (r ? fmt(r.rss_kb / 1024) : '–')
  console.log(`| ${name} | ${mb(at('before'))} | ${mb(at('after'))} |`)
}
