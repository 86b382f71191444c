from ninja import Router

router = Router(tags=["Données tabulaires"])
