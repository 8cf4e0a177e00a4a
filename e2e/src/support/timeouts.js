// Suites start real services and Kafka: hooks need far longer than Jest's 5 s default.
jest.setTimeout(180_000);
