package dev.comet.storage;

import dev.comet.CometException;
import dev.comet.ErrorCode;

/** A new record did not fit the store's quota; nothing was changed. */
public final class StoreFullException extends CometException {
    public StoreFullException(String message) {
        super(ErrorCode.STORE_FULL, message);
    }
}
