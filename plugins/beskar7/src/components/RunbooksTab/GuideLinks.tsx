import { configApiRef, useApi } from '@backstage/frontend-plugin-api';
import { RunbookSummary } from '@beskar7/backstage-plugin-beskar7-common';
import { Flex, Link, Text } from '@backstage/ui';

/**
 * The runbook's operator guide and its reference section, as links into
 * the repository at `beskar7.docsBaseUrl`; without it, their paths.
 */
export const GuideLinks = ({ definition }: { definition: RunbookSummary }) => {
  const base = useApi(configApiRef).getOptionalString('beskar7.docsBaseUrl');
  const guides = [
    definition.operatorGuide,
    { title: 'Runbook reference', path: definition.guide },
  ].filter(g => g !== undefined);
  return (
    <Flex gap="4" aria-label="operator guides">
      {guides.map(g => (
        <Text key={g.path} variant="body-small">
          {base ? (
            <Link href={new URL(g.path, base).toString()}>{g.title}</Link>
          ) : (
            `${g.title}: ${g.path}`
          )}
        </Text>
      ))}
    </Flex>
  );
};
