export interface Config {
  beskar7?: {
    /**
     * Where the repository's files can be read in a browser, ending in `/`
     * (e.g. `https://github.com/acme/beskar7/blob/main/`). Runbooks link
     * their operator guides under it; without it the guide's path is shown.
     * @visibility frontend
     */
    docsBaseUrl?: string;
  };
}
