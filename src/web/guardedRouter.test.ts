import { describe, expect, it } from 'vitest'
import { guardedRouter } from './guardedRouter'

describe('guardedRouter', () => {
  it('refuses to register a route the policy table does not name', () => {
    const r = guardedRouter({ test: { 'GET /known': 'public' } })
    expect(() => r.get('/unknown', () => undefined)).toThrow(/GET \/unknown has no entry in the policy table/)
  })
  it('fails when the table names a route nobody registered', () => {
    const r = guardedRouter({ test: { 'GET /known': 'public', 'POST /stale': ['administrator'] } })
    r.get('/known', () => undefined)
    expect(() => r.assertComplete()).toThrow(/POST \/stale/)
  })
  it('accepts a complete table', () => {
    const r = guardedRouter({ test: { 'GET /known': 'public' } })
    r.get('/known', () => undefined)
    expect(() => r.assertComplete()).not.toThrow()
  })
  it('refuses a route that two capabilities both claim', () => {
    expect(() => guardedRouter({ one: { 'GET /known': 'public' }, two: { 'GET /known': ['administrator'] } })).toThrow(
      /GET \/known is in the policies of both one and two/,
    )
  })
})
