import type { FileTypeRefusal, FoundContent } from '../../domain/fileTypes'

export type UploadErrorCode =
  | 'no-file'
  | 'empty'
  | 'too-large'
  | 'wrong-type'
  | 'program'
  | 'too-many-files'
  | 'too-many-fields'
  | 'field-too-long'
  | 'aborted'
  | 'malformed'
  | 'unsafe-name'
  | 'name-too-long'

/**
 * An upload refused for a reason the user can fix. `message` is written for them (show it in the
 * error summary and next to `field`); `status` is what the response should carry.
 */
export class UploadError extends Error {
  override name = 'UploadError'
  constructor(
    readonly code: UploadErrorCode,
    readonly status: 400 | 413,
    readonly field: string,
    message: string,
    /** For a file whose content and name disagree: the facts, so a page can word the refusal its own way. */
    readonly fileType?: {
      filename: string
      extension: string | null
      reason: FileTypeRefusal
      found: FoundContent | null
    },
  ) {
    super(message)
  }
}

/** "100 MB", "512 KB", "10 bytes": sizes as people read them (1 MB = 1024 × 1024 bytes). */
export function formatFileSize(bytes: number): string {
  const units: [number, string][] = [
    [1024 * 1024 * 1024, 'GB'],
    [1024 * 1024, 'MB'],
    [1024, 'KB'],
  ]
  for (const [size, unit] of units) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`
  }
  return `${bytes} bytes`
}

/** The refusals parseUpload makes, in one place so the wording stays consistent. */
export function uploadErrors(fileField: string, maxFileBytes: number) {
  return {
    fileField,
    noFile: () => new UploadError('no-file', 400, fileField, 'Select a file to upload'),
    tooLarge: () =>
      new UploadError('too-large', 413, fileField, `The file must be smaller than ${formatFileSize(maxFileBytes)}`),
    tooManyFiles: () =>
      new UploadError(
        'too-many-files',
        400,
        fileField,
        'Select one file at a time. You can add more files afterwards.',
      ),
    tooManyFields: () =>
      new UploadError(
        'too-many-fields',
        400,
        fileField,
        'The form could not be sent. Go back, refresh the page and try again.',
      ),
    fieldTooLong: (field: string) =>
      new UploadError('field-too-long', 413, field, 'The text you entered is too long. Shorten it and try again.'),
    aborted: () =>
      new UploadError('aborted', 400, fileField, 'The upload did not finish. Check your connection and try again.'),
    unsafeName: () =>
      new UploadError(
        'unsafe-name',
        400,
        fileField,
        'The file name must not include folder names or “..”. Choose the file itself and try again.',
      ),
    nameTooLong: (max: number) =>
      new UploadError(
        'name-too-long',
        400,
        fileField,
        `The file name must be ${max} characters or fewer. Rename the file and try again.`,
      ),
    malformed: () =>
      new UploadError(
        'malformed',
        400,
        fileField,
        'The upload could not be read. Go back, refresh the page and try again.',
      ),
  }
}
