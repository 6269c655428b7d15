export interface Config {
  permission?: {
    beskar7?: {
      /**
       * Entity refs (users or groups) allowed to change the bare-metal fleet:
       * register and release hosts, request machines, manage the queue and
       * run runbooks. Everyone signed in may read.
       */
      operators?: string[];
    };
  };
}
