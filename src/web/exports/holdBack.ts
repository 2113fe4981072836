import { Transform, type TransformCallback } from 'node:stream'

/**
 * A pass-through that tells its owner once `threshold` bytes have gone in. Writers like exceljs
 * produce bytes as soon as they exist; holding those back until either the export is known to have
 * started well or there is too much to hold lets an early failure still become an error page
 * instead of a broken download, while memory stays bounded (backpressure stops the writer once the
 * buffers are full and nobody is reading).
 */
export class HoldBack extends Transform {
  private seen = 0
  private told = false

  constructor(
    private readonly threshold: number,
    private readonly onThreshold: () => void,
  ) {
    super({ writableHighWaterMark: threshold, readableHighWaterMark: threshold * 2 })
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length
    if (!this.told && this.seen >= this.threshold) {
      this.told = true
      queueMicrotask(this.onThreshold)
    }
    callback(null, chunk)
  }
}
