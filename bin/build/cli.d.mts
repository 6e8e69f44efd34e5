export declare const ENTRY: string;
export declare const EXTERNAL: string[];
/** Builds the CLI into dist/cli/; resolves to the project sources it read. */
export declare function buildCli(): Promise<string[]>;
