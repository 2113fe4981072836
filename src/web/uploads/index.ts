export { sanitiseFilename } from './filename'
export { parseUpload } from './parseUpload'
export { formatFileSize, UploadError } from './uploadError'
