export {
  Beskar7EntityCard,
  HOST_ID_ANNOTATION,
  POOL_ANNOTATION,
} from './Beskar7EntityCard';
