export declare const ROOT: string;
export declare const OUT_DIR: string;
export declare const ENTRY_JS: string;
export declare const INPUTS_FILE: string;
export declare function isBuildFresh(): boolean;
