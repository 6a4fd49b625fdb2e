from ninja import Router

router = Router(tags=["showcase"])
