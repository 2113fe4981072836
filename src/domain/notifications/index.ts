export * from './kinds'
export * from './settings'
