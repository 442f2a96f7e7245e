import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

/** The security scheme of the admin routes: `Authorization: Bearer <ADMIN_TOKEN>`. */
export const adminSecurity = [{ adminToken: [] }];

/** Where the OpenAPI document is served. */
export const openApiPath = '/documentation/json';

/**
 * Registers @fastify/swagger, which builds an OpenAPI 3.1 document from the routes' JSON schemas
 * (bodies, parameters, query strings, headers, responses), and serves it at GET /documentation/json.
 * Call before the routes are added.
 */
export async function openApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Flux-Gate ingestion API',
        description: 'Flash-sale orders: the Redis gate, the Kafka hand-off, the waiting room, and the admin routes of a sale. Errors come from one catalogue (`error`, and `field` for a 400).',
        version: '0.1.0',
      },
      components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' } } },
    },
  });
  app.get(openApiPath, { schema: { hide: true } }, () => app.swagger());
}
