from django.db import trrt Payment


# `select_for_update()` locks the rows it finds; when there is none, it locks nothing, and
# two requests both go on to create the payment.
def create_payment(idempotency_key: str, amount: int) -> Payment:
    with transaction.atomic():
        existing = Payment.objects.select_for_update().filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        return Payment.objects.create(idempotency_key=idempotency_key, amount=amount)
