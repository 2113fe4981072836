/**
 * Test fixture, run as a child process by fsFileStore.test.ts: starts storing an endless stream
 * and announces "writing" on stdout, so the test can SIGKILL it mid-write.
 */
import { Readable } from 'node:stream'
import { FsFileStore } from '../../src/storage/fsFileStore'

const root = process.argv[2]
if (!root) throw new Error('usage: crashWriter.fixture.ts <root>')

const store = new FsFileStore(root)
const chunk = Buffer.alloc(64 * 1024, 0x61)
let sent = 0
const endless = new Readable({
  read() {
    sent += chunk.length
    if (sent === 16 * chunk.length) process.stdout.write('writing\n')
    // A little delay keeps the write "in progress" for as long as the test needs.
    setTimeout(() => this.push(chunk), 1)
  },
})

await store.put(endless, { maxBytes: Number.MAX_SAFE_INTEGER })
process.stdout.write('finished\n')
