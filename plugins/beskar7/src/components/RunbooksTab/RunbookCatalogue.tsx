import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { RUNBOOK_SEVERITIES } from '@beskar7/backstage-plugin-beskar7-common';
import { Flex, Text } from '@backstage/ui';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { beskar7ApiRef } from '../../api';
import { Loadable } from '../shared/Loadable';

/** The procedures, searchable by symptom and filtered by severity. */
export const RunbookCatalogue = () => {
  const api = useApi(beskar7ApiRef);
  const state = useAsync(() => api.listRunbooks(), [api]);
  const [text, setText] = useState('');
  const [severity, setSeverity] = useState('');
  return (
    <Flex direction="column" gap="4">
      <Flex gap="4" role="search">
        <label>
          Symptom{' '}
          <input
            aria-label="Search runbooks"
            placeholder="e.g. queue full, conflicts"
            value={text}
            onChange={e => setText(e.target.value)}
          />
        </label>
        <label>
          Severity{' '}
          <select
            aria-label="Severity"
            value={severity}
            onChange={e => setSeverity(e.target.value)}
          >
            <option value="">any</option>
            {RUNBOOK_SEVERITIES.map(s => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </Flex>
      <Loadable {...state}>
        {runbooks => {
          const needle = text.toLocaleLowerCase();
          const shown = runbooks.filter(
            r =>
              (!severity || r.severity === severity) &&
              (!needle ||
                [r.title, ...r.symptoms].some(s =>
                  s.toLocaleLowerCase().includes(needle),
                )),
          );
          if (shown.length === 0) return <Text>No runbook matches.</Text>;
          return (
            <ul aria-label="runbooks">
              {shown.map(r => (
                <li key={r.id}>
                  <Link to={r.id}>{r.title}</Link> ({r.severity}
                  {r.destructive ? ', has destructive steps' : ''}):{' '}
                  {r.symptoms.join('; ')}
                </li>
              ))}
            </ul>
          );
        }}
      </Loadable>
    </Flex>
  );
};
