"""Working-time arithmetic and holiday schedules behind the SLA clocks."""
