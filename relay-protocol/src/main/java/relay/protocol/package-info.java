package relay.protocol;
