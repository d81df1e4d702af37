declare const __IWB_VERSION__: string | undefined;
/** Product version, injected by the esbuild bundle; "dev" when running from tsc output. */
export const VERSION: string = typeof __IWB_VERSION__ === 'string' ? __IWB_VERSION__ : 'dev';
