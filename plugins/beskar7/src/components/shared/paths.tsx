import { createContext, ReactNode, useContext } from 'react';
import { useResolvedPath } from 'react-router-dom';

/** Where the Beskar7 page is mounted; entity cards outside it link to the default. */
const BasePath = createContext('/beskar7');

/** Makes the page's own mount point the base of every link inside it. */
export const BasePathProvider = ({ children }: { children: ReactNode }) => {
  const { pathname } = useResolvedPath('.');
  return (
    <BasePath.Provider value={pathname.replace(/\/$/, '')}>
      {children}
    </BasePath.Provider>
  );
};

/** Absolute links to the plugin's pages. */
export function usePaths() {
  const base = useContext(BasePath);
  const id = (value: string) => encodeURIComponent(value);
  return {
    base,
    hosts: `${base}/hosts`,
    host: (hostId: string) => `${base}/hosts/${id(hostId)}`,
    machines: `${base}/machines`,
    machine: (machineId: string) => `${base}/machines/${id(machineId)}`,
    clusters: `${base}/clusters`,
    cluster: (namespace: string, name: string) =>
      `${base}/clusters/${id(namespace)}/${id(name)}`,
    runbooks: `${base}/runbooks`,
    runbook: (runbookId: string, query?: Record<string, string>) =>
      `${base}/runbooks/${id(runbookId)}${
        query ? `?${new URLSearchParams(query)}` : ''
      }`,
    diagnostics: `${base}/diagnostics`,
  };
}
