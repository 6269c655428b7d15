import { Container, Header } from '@backstage/ui';
import { HealthCard } from './HealthCard';

export const Beskar7Page = () => (
  <>
    <Header title="Beskar7 bare-metal fleet" />
    <Container>
      <HealthCard />
    </Container>
  </>
);
