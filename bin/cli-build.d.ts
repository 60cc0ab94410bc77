// Types of cli-build.js for the TypeScript that imports it (its test, the start-up bench).
export declare const BUILT_CLI: string;
export declare function cliBuild(root: string): { built: string; reason: null } | { built: null; reason: string };
