package policy

// CONTRACT STUB: agreed signatures so that evaluation, rendering and the bot can be
// written in parallel with the parser. Implementers replace these bodies in their own
// files and delete the stub lines they implement.
