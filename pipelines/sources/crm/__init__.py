"""CRM sources: contacts, deals and their associations, pseudonymised at ingest. HubSpot first
(:mod:`.hubspot`, through hubspot-api-client); the streams are declared in :mod:`.streams`."""
