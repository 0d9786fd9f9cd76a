"""The review cycle: SMART goals with a forecast and a status, the risk register, and what the
monthly steering report and the post-campaign review read (:mod:`kpi.review.tables`)."""
