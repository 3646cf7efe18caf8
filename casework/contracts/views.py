from django.shortcuts import render

from casework.contracts import selectors
from casework.core import access


def contract_list(request):
    access.require(request.user, "contract.view")
    return render(request, "contracts/contract_list.html", {"contracts": selectors.contracts(actor=request.user)})


def contract_detail(request, contract_id):
    contract = selectors.contract_get(actor=request.user, contract_id=contract_id)
    access.require(request.user, "contract.view")
    return render(
        request, "contracts/contract_detail.html", {"contract": contract, "years": list(contract.years.all())}
    )
