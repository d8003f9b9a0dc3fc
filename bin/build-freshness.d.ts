export declare const BUILD_DIR: 'dist';
export declare const BUILD_MANIFEST: 'build.json';
/** True when `<root>/dist/build.json` lists exactly the sources on disk (see build-freshness.js). */
export declare function buildIsCurrent(root: string): boolean;
export declare function sha256(bytes: Uint8Array): string;
