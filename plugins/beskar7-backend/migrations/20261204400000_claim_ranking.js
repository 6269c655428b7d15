// @ts-check

/**
 * PostgreSQL ranks and claims in one statement (src/database/ClaimStore.ts),
 * so the rendezvous hash of src/claims/rendezvous.ts lives in the database
 * too:
 * - beskar7_fnv1a32(text): FNV-1a over the UTF-16 code units of the text,
 *   as JavaScript's charCodeAt sees them (characters beyond U+FFFF count as
 *   their two surrogates);
 * - beskar7_mix32(bigint): the murmur3 finaliser on 32 bits;
 * - beskar7_hosts.rendezvous_hash: mix32(fnv1a32('namespace/name')), kept by
 *   the database whatever code writes the row, so that a claim computes one
 *   mix per candidate host instead of hashing every host's name.
 * Unsigned 32-bit values are held in bigint; products are split so that
 * nothing overflows 63 bits. SQLite ranks in process and gets nothing here.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (knex.client.dialect !== 'postgresql') return;
  await knex.raw(`
    CREATE FUNCTION beskar7_fnv1a32(input text) RETURNS bigint
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
    DECLARE
      h bigint := 2166136261;
      code integer;
    BEGIN
      FOR i IN 1..length(input) LOOP
        code := ascii(substr(input, i, 1));
        IF code > 65535 THEN
          code := code - 65536;
          h := ((h # (55296 + (code >> 10))) * 16777619) & 4294967295;
          h := ((h # (56320 + (code & 1023))) * 16777619) & 4294967295;
        ELSE
          h := ((h # code) * 16777619) & 4294967295;
        END IF;
      END LOOP;
      RETURN h;
    END $$`);
  // Math.imul(h, c) as (h * low16(c) + ((h * high16(c)) mod 2^16) << 16) mod 2^32.
  await knex.raw(`
    CREATE FUNCTION beskar7_mix32(value bigint) RETURNS bigint
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
    DECLARE
      h bigint := value;
    BEGIN
      h := h # (h >> 16);
      h := ((h * 51819) + (((h * 34283) & 65535) << 16)) & 4294967295;
      h := h # (h >> 13);
      h := ((h * 44597) + (((h * 49842) & 65535) << 16)) & 4294967295;
      RETURN h # (h >> 16);
    END $$`);
  await knex.raw(`
    ALTER TABLE beskar7_hosts ADD COLUMN rendezvous_hash bigint
      GENERATED ALWAYS AS (beskar7_mix32(beskar7_fnv1a32(namespace || '/' || name))) STORED`);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.dialect !== 'postgresql') return;
  await knex.raw('ALTER TABLE beskar7_hosts DROP COLUMN rendezvous_hash');
  await knex.raw('DROP FUNCTION beskar7_mix32(bigint)');
  await knex.raw('DROP FUNCTION beskar7_fnv1a32(text)');
};
