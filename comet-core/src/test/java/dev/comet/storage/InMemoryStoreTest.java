package dev.comet.storage;

/** The {@link Store} contract for {@link InMemoryStore}. */
class InMemoryStoreTest extends StoreContractTest {
    @Override
    protected Store newStore(long maxRecords, long maxBytes) {
        return new InMemoryStore(maxRecords, maxBytes);
    }
}
