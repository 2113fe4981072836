export { MAX_FILENAME_LENGTH, sanitiseFilename } from './filename'
export { parseUpload, type ParsedUpload, type ParseUploadOptions, type UploadedFile } from './parseUpload'
export { formatFileSize, UploadError, uploadErrors, type UploadErrorCode } from './uploadError'
