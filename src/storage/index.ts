export { FileNotFoundError, type FileStore, type StoredFile } from './fileStore'
export { FsFileStore } from './fsFileStore'
export { ScratchSpace } from './scratch'
export { startSweeper } from './sweeper'
