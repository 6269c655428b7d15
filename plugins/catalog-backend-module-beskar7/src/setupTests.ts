// Each suite starts a backend with the real beskar7 plugin: on a loaded
// 2-core CI machine that alone takes longer than jest's default 5 s.
jest.setTimeout(60_000);

export {};
