export declare function offerAppServer(server: unknown): void;
export declare function takeAppServer(): unknown;
