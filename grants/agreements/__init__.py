"""Grant agreements between the OPCC and each recipient: versions, the payment schedule, and the
agreement document as a PDF."""
