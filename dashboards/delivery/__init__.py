"""The weekly report delivered: mailed to each recipient in their language and summarised in
team chats (Slack, Microsoft Teams), with a ledger of what reached whom.

- :mod:`~dashboards.delivery.digest`: what a message says (headline KPIs vs target, the top
  actions, where the full report is), from the report's own view model;
- :mod:`~dashboards.delivery.mail`: the e-mail (mail-safe HTML, plain text, the PDF);
- :mod:`~dashboards.delivery.chat`: the Slack and Teams payloads;
- :mod:`~dashboards.delivery.smtp` and :mod:`~dashboards.delivery.webhook`: sending, with
  retries on temporary failures (:mod:`~dashboards.delivery.retrying`);
- :mod:`~dashboards.delivery.ledger`: the ``report_deliveries`` table;
- :mod:`~dashboards.delivery.deliver`: one week's delivery from start to end.

The settings are the configuration's ``delivery`` section (:mod:`pipelines.delivery_config`).
"""
